"""The daily compliance board (今日食品安全, 日管控): for each serving day, every record the
rules require — 晨检 of the team, per meal 留样 / 餐具消毒 / 陪餐, the kitchen's daily checks —
done, missing or failed, with who and when. Computed for a range of days with one query per
kind of record, so a month's calendar costs what one day costs."""

import datetime
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone

from houqin.core.calendar import school_days

from .choices import BoardStatus, CheckKind, Companion, MealKind
from .models import AccompaniedMeal, CanteenSettings, CanteenWorker, Disinfection, KitchenCheck, Meal, MorningCheck

S = BoardStatus
DAY = datetime.timedelta(days=1)


def serving_days(school, start, end):
    """The days the canteen serves between start and end: the school days (working days,
    调休上班 included, 法定节假日 excluded, inside one of the school's terms when it has terms)."""
    return school_days(school, start, end)


@dataclass
class Entry:
    """One required record of a day."""

    key: str  # "morning", "sample:lunch", "disinfection:lunch", "accompanied:lunch", "check:cold" …
    title: str
    status: str = S.MISSING
    who: str = ""
    when: str = ""
    detail: str = ""
    due: datetime.datetime | None = None
    url: str = ""

    @property
    def badge(self):
        return S(self.status).badge

    @property
    def label(self):
        return S(self.status).label


@dataclass
class Day:
    date: datetime.date
    serving: bool
    entries: list = field(default_factory=list)

    @property
    def status(self):
        found = {e.status for e in self.entries}
        for status in (S.MISSING, S.FAILED, S.PENDING):
            if status in found:
                return status
        return S.DONE if self.entries else ""

    def gaps(self, now=None):
        """The entries missing or failed once their time is past (all of them when `now` is None)."""
        return [e for e in self.entries if e.status in (S.MISSING, S.FAILED) and (now is None or e.due <= now)]


def _at(day, time):
    return timezone.make_aware(datetime.datetime.combine(day, time))


def _hm(moment):
    return timezone.localtime(moment).strftime("%H:%M")


def load(school, start, end):
    """Every record of the range, grouped by day: one query per kind."""
    by_day = {}

    def put(kind, day, row):
        by_day.setdefault(day, {}).setdefault(kind, []).append(row)

    for c in MorningCheck.objects.filter(school=school, date__range=(start, end)).select_related(
            "worker__person", "checked_by"):
        put("morning", c.date, c)
    for m in Meal.objects.filter(school=school, date__range=(start, end)).prefetch_related("samples__sampled_by"):
        put("meal", m.date, m)
    for d in Disinfection.objects.filter(school=school, date__range=(start, end)).select_related("done_by"):
        put("disinfection", d.date, d)
    for k in KitchenCheck.objects.filter(school=school, date__range=(start, end)).select_related("checked_by"):
        put("check", k.date, k)
    for a in AccompaniedMeal.objects.filter(school=school, date__range=(start, end)).select_related("person"):
        put("accompanied", a.date, a)
    return by_day


def days(school, start, end, now=None):
    """[Day] from start to end. Future days and items not yet due are PENDING."""

    now = now or timezone.now()
    settings = CanteenSettings.of(school)
    meals = settings.meals()
    serving = set(serving_days(school, start, end))
    records = load(school, start, end)
    team = list(CanteenWorker.objects.filter(school=school, active=True).select_related("person"))
    result, day = [], start
    while day <= end:
        entry = Day(day, day in serving)
        if entry.serving and meals and team:  # a school without a canteen team keeps no canteen records
            got = records.get(day, {})
            first_end = _at(day, settings.meal_ends(meals[0]))
            last_end = _at(day, settings.meal_ends(meals[-1]))
            entry.entries.append(_morning(team, got.get("morning", []), first_end,
                                          reverse("canteen:team_checks") + f"?date={day}"))
            for kind in meals:
                due = _at(day, settings.meal_ends(kind))
                entry.entries += [_samples(kind, got.get("meal", []), due),
                                  _disinfection(kind, got.get("disinfection", []), due),
                                  _accompanied(kind, got.get("accompanied", []), due)]
            kinds = [CheckKind.HYGIENE, CheckKind.COLD] + ([CheckKind.WASTE] if settings.check_waste else [])
            entry.entries += [_kitchen(kind, got.get("check", []), last_end) for kind in kinds]
            for e in entry.entries:
                if e.status == S.MISSING and e.due > now:
                    e.status = S.PENDING
        result.append(entry)
        day += DAY
    return result


def _morning(team, checks, due, url):
    e = Entry("morning", "从业人员晨检", due=due, url=url)
    seen = {c.worker_id: c for c in checks}
    missing = [w.person.name for w in team if w.pk not in seen]
    off = [f"{c.worker.person.name}（{c.reasons}）" for c in checks if c.off_duty]
    if checks:
        e.who = "、".join(sorted({str(c.checked_by) for c in checks}))
        e.when = _hm(max(c.checked_at for c in checks))
    parts = [f"已检 {len(checks)} 人"] + ([f"离岗：{'、'.join(off)}"] if off else [])
    if missing:
        parts.append(f"未检：{'、'.join(missing)}")
    e.detail = "；".join(parts)
    e.status = S.MISSING if missing or not checks else S.DONE
    return e


def _samples(kind, meals, due):
    title = f"{MealKind(kind).label}留样"
    meal = next((m for m in meals if m.kind == kind), None)
    if meal is None:
        return Entry(f"sample:{kind}", title, due=due, detail="未登记餐次菜品，未留样")
    samples = list(meal.samples.all())
    missing = meal.unsampled(samples)
    e = Entry(f"sample:{kind}", title, due=due, url=meal.get_absolute_url(),
              status=S.MISSING if missing or not samples else S.DONE)
    if samples:
        e.who = "、".join(sorted({s.sampled_by.name for s in samples}))
        e.when = _hm(max(s.sampled_at for s in samples))
    e.detail = f"已留样 {len(samples)}/{len(meal.dish_list())} 样"
    if missing:
        e.detail += f"；未留样：{'、'.join(missing)}"
    return e


def _disinfection(kind, records, due):
    e = Entry(f"disinfection:{kind}", f"{MealKind(kind).label}餐具消毒", due=due)
    mine = [r for r in records if r.meal == kind]
    if not mine:
        return e
    last = max(mine, key=lambda r: r.done_at)
    good = [r for r in mine if r.passed]
    shown = max(good, key=lambda r: r.done_at) if good else last
    e.status = S.DONE if good else S.FAILED
    e.who, e.when, e.url = shown.done_by.name, _hm(shown.done_at), shown.get_absolute_url()
    e.detail = shown.get_method_display() + (f"；未达标：{shown.shortfall}" if not shown.passed else "")
    return e


def _accompanied(kind, records, due):
    e = Entry(f"accompanied:{kind}", f"{MealKind(kind).label}陪餐", due=due)
    mine = [r for r in records if r.meal == kind]
    leaders = [r for r in mine if r.companion_kind == Companion.LEADER]
    if mine:
        e.who = "、".join(r.companion for r in mine)
        e.url = mine[0].get_absolute_url()
        e.detail = "；".join(f"{r.companion}：{r.get_rating_display()}" for r in mine)
    e.status = S.DONE if leaders else S.MISSING
    if mine and not leaders:
        e.detail += "；无学校负责人陪餐"
    return e


def _kitchen(kind, checks, due):
    e = Entry(f"check:{kind}", CheckKind(kind).label, due=due)
    mine = [c for c in checks if c.kind == kind]
    if not mine:
        return e
    last = max(mine, key=lambda c: c.checked_at)  # a re-check after correcting replaces the first
    e.status = S.DONE if last.passed else S.FAILED
    e.who, e.when, e.url = last.checked_by.name, _hm(last.checked_at), last.get_absolute_url()
    temps = (f"冷藏 {last.fridge_temperature}℃，冷冻 {last.freezer_temperature}℃"
             if kind == CheckKind.COLD else "")
    e.detail = "；".join(filter(None, [temps, f"不合格：{last.failures}" if not last.passed else "", last.note]))
    return e


def day(school, date, now=None):
    return days(school, date, date, now)[0]


def recent_gaps(school, today, back=14, now=None):
    """The serving days of the last `back` days (today included) with a gap past its time."""
    now = now or timezone.now()
    return [(d, d.gaps(now)) for d in days(school, today - datetime.timedelta(days=back), today, now) if d.gaps(now)]
