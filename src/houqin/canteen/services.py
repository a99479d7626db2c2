"""What the canteen's pages and API do, in one place: each function checks the rule it
enforces and refuses in Chinese (ValidationError), so a refusal writes nothing."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from houqin.core import approvals
from houqin.core.choices import CertificateKind, Role
from houqin.core.models import Certificate, School
from houqin.core.money import ZERO, cents, yuan
from houqin.core.rules import require
from houqin.stock.choices import ItemCategory, MovementKind, WarehouseKind
from houqin.stock.models import Item, Movement

from .choices import (
    CHECKLISTS,
    COST_KINDS,
    DISINFECTION_MINIMA,
    INCOME_KINDS,
    MENU_EDITABLE,
    SUBSIDY_KINDS,
    CheckKind,
    DishKind,
    EntryKind,
    Fund,
    MealKind,
    MenuStatus,
)
from .models import (
    CanteenEntry,
    CanteenSettings,
    DinerCount,
    DishIngredient,
    MenuEntry,
    MorningCheck,
    SampleRecord,
    WeekMenu,
)

# --- certificates ---------------------------------------------------------------------------


def certificates_of(people):
    """{person id: {kind: the certificate of that kind expiring last}} for 健康证 and 培训合格证,
    in one query."""
    found = {}
    rows = Certificate.objects.filter(person__in=people, kind__in=[CertificateKind.HEALTH, CertificateKind.TRAINING])
    for cert in rows.order_by("expires_on"):
        held = found.setdefault(cert.person_id, {})
        current = held.get(cert.kind)
        if current is None or current.expires_on is not None:
            held[cert.kind] = cert  # ordered by expiry: the last one wins; one without expiry never expires
    return found


def health_refusal(person, certificates, day):
    """Why `person` may not pass the morning check on `day` for want of a valid 健康证 (F2
    第45条: 持健康证明上岗, 健康证时效一年), or "" when his certificate is valid."""
    cert = certificates.get(person.pk, {}).get(CertificateKind.HEALTH)
    if cert is None:
        return f"{person.name}没有登记健康证，不能通过晨检，须取得健康证后上岗"
    if cert.expires_on is not None and cert.expires_on < day:
        number = f"（证号 {cert.number}）" if cert.number else ""
        return f"{person.name}的健康证{number}已于 {cert.expires_on:%Y-%m-%d} 过期，不能通过晨检，须复检换证后上岗"
    return ""


# --- 晨检 -------------------------------------------------------------------------------------


def check_failures(check, settings):
    """The reasons a morning check fails (F1: 发热、腹泻、皮肤伤口或感染、咽部炎症者立即离岗)."""
    reasons = []
    if check.fever or check.temperature >= settings.fever_temperature:
        reasons.append(f"发热（{check.temperature}℃）" if check.temperature >= settings.fever_temperature else "发热")
    for field, label in (("diarrhea", "腹泻"), ("hand_wound", "手部伤口或感染"), ("throat", "咽部炎症")):
        if getattr(check, field):
            reasons.append(label)
    if not check.hygiene_ok:
        reasons.append("个人卫生不合格")
    if check.sent_off:
        reasons.append(check.note or "安排离岗")
    return reasons


def record_check(check, *, by, certificates=None):
    """Save one morning check. A failing one puts the worker 离岗 for the day; a worker
    without a valid 健康证 cannot pass: the check is refused unless he is sent off duty."""
    worker = check.worker
    if worker.school_id != check.school_id or not worker.active:
        raise ValidationError({"worker": "该人员不在本校食堂在岗名单中"})
    if check.temperature is None or not 34 <= check.temperature <= 43:
        raise ValidationError({"temperature": "体温应在 34–43℃ 之间，请重新测量"})
    if MorningCheck.objects.filter(worker=worker, date=check.date).exclude(pk=check.pk).exists():
        raise ValidationError(f"{worker.person.name} {check.date:%Y-%m-%d} 已晨检，不能重复登记")
    settings = CanteenSettings.of(check.school)
    reasons = check_failures(check, settings)
    if certificates is None:
        certificates = certificates_of([worker.person])
    refusal = health_refusal(worker.person, certificates, check.date)
    if refusal and not reasons:
        raise ValidationError(refusal)
    if refusal:
        reasons.append("健康证无效")
    check.passed, check.off_duty, check.reasons = not reasons, bool(reasons), "、".join(reasons)[:200]
    check.checked_by, check.checked_at = by, timezone.now()
    check.save()
    return check


def record_team(checks, *, by):
    """The whole team's morning checks of one screen, all or none: the first refusal (naming
    the worker) stops the lot."""
    certificates = certificates_of([c.worker.person for c in checks])
    return [record_check(c, by=by, certificates=certificates) for c in checks]


# --- 留样 -------------------------------------------------------------------------------------


def record_sample(sample, *, by):
    """Save a retained sample: ≥ 125 g (the setting), in the cold cabinet at 0–8 ℃ (F1 第四十条),
    one per dish of the meal."""
    settings = CanteenSettings.of(sample.school)
    errors = {}
    if sample.weight_grams is None or sample.weight_grams < settings.sample_min_grams:
        errors["weight_grams"] = f"每样留样量不少于 {settings.sample_min_grams} 克"
    t = sample.cabinet_temperature
    if t is None or not settings.sample_cabinet_min <= t <= settings.sample_cabinet_max:
        errors["cabinet_temperature"] = (f"留样柜应冷藏在 {settings.sample_cabinet_min}–{settings.sample_cabinet_max}℃"
                                         "（不得冷冻），请调好冷柜再留样")
    if sample.meal.school_id != sample.school_id:
        errors["meal"] = "餐次不属于本校"
    elif sample.dish not in sample.meal.dish_list():
        errors["dish"] = f"“{sample.dish}”不是{sample.meal}的菜品"
    elif type(sample).objects.filter(meal=sample.meal, dish=sample.dish).exclude(pk=sample.pk).exists():
        errors["dish"] = f"{sample.meal}的“{sample.dish}”已留样"
    if errors:
        raise ValidationError(errors)
    sample.save()
    return sample


def dispose_sample(sample, *, by, person, at=None):
    """Record the disposal of a sample; refused before it has been kept the setting's hours (48 h)."""
    require(by, "dispose", sample)
    at = at or timezone.now()
    hours = CanteenSettings.of(sample.school).sample_keep_hours
    if sample.disposed_at is not None:
        raise ValidationError(f"该留样已于 {timezone.localtime(sample.disposed_at):%Y-%m-%d %H:%M} 处置")
    if at < sample.keep_until(hours):
        raise ValidationError(f"留样须保存满 {hours} 小时，"
                              f"{timezone.localtime(sample.keep_until(hours)):%m-%d %H:%M} 以后才能处置")
    if person.school_id != sample.school_id:
        raise ValidationError({"person": "处置人不属于本校"})
    sample.disposed_at, sample.disposed_by = at, person
    sample.save(update_fields=["disposed_at", "disposed_by", "updated_at"])
    return sample


def samples_due_for_disposal(school, now=None):
    now = now or timezone.now()
    hours = CanteenSettings.of(school).sample_keep_hours

    return SampleRecord.objects.filter(school=school, disposed_at__isnull=True,
                                       sampled_at__lte=now - datetime.timedelta(hours=hours))


# --- 消毒与日检 --------------------------------------------------------------------------------


def disinfection_shortfall(record):
    """What falls short of the method's minimum parameters (F4), as a list of phrases."""
    min_temp, min_seconds, min_chlorine = DISINFECTION_MINIMA[record.method]
    short = []
    if min_temp is not None and (record.temperature is None or record.temperature < min_temp):
        short.append(f"温度应≥{min_temp}℃")
    if record.seconds is None or record.seconds < min_seconds:
        short.append(f"时长应≥{min_seconds // 60}分钟" if min_seconds >= 60 else f"时长应≥{min_seconds}秒")
    if min_chlorine is not None and (record.chlorine is None or record.chlorine < min_chlorine):
        short.append(f"有效氯应≥{min_chlorine}mg/L")
    return short


def record_disinfection(record, *, by):
    """Save a disinfection; one below the method's parameters is kept as 未达标 (the board shows it)."""
    if record.done_by.school_id != record.school_id:
        raise ValidationError({"done_by": "消毒人不属于本校"})
    short = disinfection_shortfall(record)
    record.passed, record.shortfall = not short, "；".join(short)
    record.save()
    return record


def cold_failures(check, settings):
    failed = []
    if check.fridge_temperature is None or check.freezer_temperature is None:
        raise ValidationError("冷藏冷冻检查须填写冷藏温度和冷冻温度")
    if not 0 <= check.fridge_temperature <= settings.fridge_max:
        failed.append(f"冷藏温度 {check.fridge_temperature}℃ 不在 0–{settings.fridge_max}℃")
    if check.freezer_temperature > settings.freezer_max:
        failed.append(f"冷冻温度 {check.freezer_temperature}℃ 高于 {settings.freezer_max}℃")
    return failed


def record_kitchen_check(check, *, by):
    """Save a daily kitchen check; its failed items (and temperatures out of range) make it 不合格."""
    if check.checked_by.school_id != check.school_id:
        raise ValidationError({"checked_by": "检查人不属于本校"})
    known = CHECKLISTS[CheckKind(check.kind)]
    unknown = [i for i in check.failed_items if i not in known]
    if unknown:
        raise ValidationError({"failed_items": f"不是{check.get_kind_display()}的检查项：{'、'.join(unknown)}"})
    failed = list(check.failed_items)
    if check.kind == CheckKind.COLD:
        failed += cold_failures(check, CanteenSettings.of(check.school))
    check.passed = not failed
    check.save()
    return check


# --- 陪餐 -------------------------------------------------------------------------------------


def record_accompanied(record, *, by):
    if not record.person_id and not record.companion_name.strip():
        raise ValidationError({"companion_name": "请选择陪餐的教职工或填写陪餐人姓名"})
    if record.person_id and record.person.school_id != record.school_id:
        raise ValidationError({"person": "陪餐人不属于本校"})
    record.save()
    return record


def respond(record, *, by, text):
    """The canteen's response to a 陪餐 comment (家长意见及时研究反馈, F1)."""
    require(by, "respond", record)
    if not text.strip():
        raise ValidationError({"response": "请填写处理反馈"})
    record.response, record.responded_by, record.responded_at = text.strip(), by, timezone.now()
    record.save(update_fields=["response", "responded_by", "responded_at", "updated_at"])
    return record


# --- 带量食谱 -------------------------------------------------------------------------------------


def forbidden_in(settings, *names):
    """The forbidden foods (F1 第三十六条, the school's list) named in any of `names`."""
    return [food for food in settings.forbidden() if any(food in (name or "") for name in names)]


def parse_ingredients(text):
    """Ingredient lines as the form writes them, one a line: `猪里脊 60 荤` (name, grams per
    student, and 荤 for a meat ingredient) → [{"name", "grams", "meat"}]."""
    rows = []
    for n, line in enumerate(text.splitlines(), 1):
        parts = line.replace("，", " ").replace(",", " ").split()
        if not parts:
            continue
        meat = parts[-1] in ("荤", "荤料")
        if meat:
            parts = parts[:-1]
        try:
            grams = Decimal(parts[-1].removesuffix("克").removesuffix("g"))
        except (InvalidOperation, IndexError):
            raise ValidationError({"ingredients": f"第 {n} 行“{line.strip()}”应写作“食材 每生克数”，荤料后加“荤”"})
        rows.append({"name": "".join(parts[:-1]), "grams": grams, "meat": meat})
    return rows


def ingredients_text(dish):
    return "\n".join(f"{i.name} {i.grams.normalize():f}{' 荤' if i.meat else ''}" for i in dish.ingredients.all())


@transaction.atomic
def save_dish(dish, *, by, ingredients):
    """Save a dish and its ingredients (带量: grams per student). A dish or an ingredient that
    is a forbidden food (四季豆, 鲜黄花菜, 野生蘑菇, 发芽土豆, 冷荤, 生食, 裱花蛋糕 — F1 第三十六条,
    the school's list) is refused, naming it. An ingredient is linked to the school's stock item
    (食品原料) of the same name."""

    settings = CanteenSettings.of(dish.school)
    errors = {}
    banned = forbidden_in(settings, dish.name, *(row["name"] for row in ingredients))
    if banned:
        errors["name"] = f"“{dish.name}”含禁止加工的食品：{'、'.join(banned)}（F1 第三十六条）"
    for row in ingredients:
        if not row["name"].strip():
            errors["ingredients"] = "请写明每种食材的名称"
        elif row["grams"] is None or row["grams"] <= 0:
            errors["ingredients"] = f"“{row['name']}”的每生用量应大于 0 克"
    if type(dish).objects.filter(school=dish.school, name=dish.name).exclude(pk=dish.pk).exists():
        errors["name"] = f"已有菜品“{dish.name}”"
    if errors:
        raise ValidationError(errors)
    dish.save()
    names = {row["name"].strip() for row in ingredients}
    items = {i.name: i for i in Item.objects.filter(school=dish.school, category=ItemCategory.FOOD, name__in=names)}
    dish.ingredients.all().delete()
    DishIngredient.objects.bulk_create(
        DishIngredient(dish=dish, name=row["name"].strip(), grams=row["grams"], meat=row["meat"],
                       item=items.get(row["name"].strip())) for row in ingredients)
    return dish


def meat_share(ingredients):
    """The share (%) of meat ingredients in a dish's grams per student, or None without any."""
    total = sum((i.grams for i in ingredients), Decimal("0"))
    if not total:
        return None
    return sum((i.grams for i in ingredients if i.meat), Decimal("0")) * 100 / total


def menu_meals(menu, entries=None):
    """{(day, meal kind): [dishes]} of the menu, in one query (with the dishes' ingredients)."""
    if entries is None:
        entries = menu.entries.select_related("dish").prefetch_related("dish__ingredients")
    meals = {}
    for entry in entries:
        meals.setdefault((entry.day, entry.meal), []).append(entry.dish)
    return meals


def menu_breaches(menu, meals=None, settings=None):
    """What in the menu breaks the rules, one phrase each naming the day and meal: a served
    meal without dishes; fewer meat dishes, vegetable dishes or soups than the district's rule
    (seed 001: 每餐不少于两荤两素一汤; the numbers are the school's settings); a meat dish whose
    meat share is below the setting (荤菜中荤的比例不低于50%); a dish without its quantities;
    a forbidden food (F1 第三十六条)."""
    settings = settings or CanteenSettings.of(menu.school)
    meals = menu_meals(menu) if meals is None else meals
    share = Decimal(settings.meat_share_percent)
    breaches = []
    for day in menu.days(settings.menu_days):
        for kind in settings.meals():
            label = f"{menu.weekday(day)}（{day:%m-%d}）{MealKind(kind).label}"
            dishes = meals.get((day, kind), [])
            if not dishes:
                breaches.append(f"{label}未排菜")
                continue
            meat = vegetable = soup = 0
            for dish in dishes:
                ingredients = list(dish.ingredients.all())
                banned = forbidden_in(settings, dish.name, *(i.name for i in ingredients))
                if banned:
                    breaches.append(f"{label}“{dish.name}”含禁止加工的食品：{'、'.join(banned)}")
                if not ingredients:
                    breaches.append(f"{label}“{dish.name}”未填写食材及每生用量")
                if dish.kind == DishKind.MEAT:
                    found = meat_share(ingredients)
                    if found is not None and found < share:
                        breaches.append(f"{label}“{dish.name}”荤料占 {found:.0f}%，低于 {share}%，不计为荤菜")
                    else:
                        meat += 1
                vegetable += dish.kind == DishKind.VEGETABLE
                soup += dish.kind == DishKind.SOUP
            if not settings.dish_rule_applies(kind):
                continue
            for count, wanted, what in ((meat, settings.min_meat_dishes, "荤菜"),
                                        (vegetable, settings.min_vegetable_dishes, "素菜"),
                                        (soup, settings.min_soups, "汤")):
                if count < wanted:
                    breaches.append(f"{label}只有 {count} 道{what}，每餐应不少于 {wanted} 道")
    return breaches


def monday(day):
    return day - datetime.timedelta(days=day.weekday())


@transaction.atomic
def save_menu(menu, *, by, entries=None):
    """Save a week's menu and (when given) its entries [(day, meal kind, dish)]; only a draft or
    a returned menu changes. The week starts on its Monday."""

    if menu.pk:
        stored = WeekMenu.objects.select_for_update().get(pk=menu.pk)
        if stored.status not in MENU_EDITABLE:
            raise ValidationError(f"带量食谱{stored.get_status_display()}，不能修改")
    if menu.week_start is None:
        raise ValidationError({"week_start": "请填写周一日期"})
    menu.week_start = monday(menu.week_start)
    if WeekMenu.objects.filter(school=menu.school, week_start=menu.week_start).exclude(pk=menu.pk).exists():
        raise ValidationError({"week_start": f"{menu.week_start:%Y-%m-%d} 这一周已有带量食谱"})
    rows = []
    if entries is not None:
        days = set(menu.days(7))
        for day, kind, dish in entries:
            if day not in days:
                raise ValidationError({"entries": f"{day:%Y-%m-%d} 不在这一周"})
            if dish.school_id != menu.school_id:
                raise ValidationError({"entries": "菜品不属于本校"})
            rows.append((day, kind, dish))
    menu.save()
    if entries is not None:
        menu.entries.all().delete()
        MenuEntry.objects.bulk_create(MenuEntry(menu=menu, day=day, meal=kind, dish=dish)
                                      for day, kind, dish in dict.fromkeys(rows))
    return menu


def _publish(menu, approval, by):
    menu = WeekMenu.objects.select_for_update().get(pk=menu.pk)
    menu.status, menu.published_at = MenuStatus.PUBLISHED, timezone.now()
    menu.save(update_fields=["status", "published_at", "updated_at"])


def _committee_reviews(school, amount):
    return CanteenSettings.of(school).menu_committee_review


_committee_reviews.__doc__ = "CanteenSettings.menu_committee_review"

MENU = approvals.register(approvals.Policy(
    key="canteen.weekmenu", label="带量食谱审核",
    steps=(approvals.Step("总务主任审核", frozenset({Role.DIRECTOR})),
           approvals.Step("膳食委员会审核（校长）", frozenset({Role.PRINCIPAL}), when=_committee_reviews)),
    on_approved=_publish,
    on_rejected=approvals.sets_status(MenuStatus.REJECTED),
))


@transaction.atomic
def submit_menu(menu, *, by):
    """Send the week's menu to approval (坚持每周菜谱审核制); refused, with every breach named,
    while it breaks the rules (see menu_breaches). Approved, it is published (公示)."""

    menu = WeekMenu.objects.select_for_update().get(pk=menu.pk)
    require(by, "submit", menu)
    if menu.status not in MENU_EDITABLE:
        raise ValidationError(f"带量食谱{menu.get_status_display()}，不能提交")
    if menu.week_start <= timezone.localdate():
        raise ValidationError("这一周已经开始，不能再提交审批（带量食谱应提前公示）")
    breaches = menu_breaches(menu)
    if breaches:
        raise ValidationError(["不符合配餐规则，请修改后再提交：", *breaches])
    menu.status, menu.submitted_at = MenuStatus.PENDING, timezone.now()
    menu.save(update_fields=["status", "submitted_at", "updated_at"])
    approvals.request_approval(menu, MENU.key, by=by, title=f"{menu}")
    return menu


def menu_approval(menu):
    return approvals.latest(menu, MENU.key)


@transaction.atomic
def copy_menu(source, *, by, week_start):
    """A new draft for the week of `week_start` with the dishes of `source` (a past week's menu,
    last year's too), day for day."""

    require(by, "copy", source)
    target = WeekMenu(school=source.school, week_start=monday(week_start), copied_from=source,
                      note=f"沿用 {source.week_start:%Y-%m-%d} 一周的食谱")
    shift = target.week_start - source.week_start
    entries = [(e.day + shift, e.meal, e.dish) for e in source.entries.select_related("dish")]
    return save_menu(target, by=by, entries=entries)


def published_menus(school, today):
    """This week's and the next weeks' published menus of the school, oldest first."""

    return WeekMenu.objects.filter(school=school, status=MenuStatus.PUBLISHED,
                                   week_start__gte=monday(today)).order_by("week_start")


def menu_overdue(school, today):
    """The Monday of next week when its menu should be published by now (the setting's days
    ahead) and is not; else None."""

    settings = CanteenSettings.of(school)
    start = monday(today) + datetime.timedelta(days=7)
    if today < start - datetime.timedelta(days=settings.menu_days_ahead):
        return None
    published = WeekMenu.objects.filter(school=school, week_start=start, status=MenuStatus.PUBLISHED).exists()
    return None if published else start


# --- 就餐人数与食堂账 -------------------------------------------------------------------------------


def record_diners(count, *, by):
    """Save a meal's diner count; the entitled students are among the students."""
    if (count.entitled_students or 0) > (count.students or 0):
        raise ValidationError({"entitled_students": "受助学生人数不能多于学生就餐人数"})

    if DinerCount.objects.filter(school=count.school, date=count.date, meal=count.meal).exclude(pk=count.pk).exists():
        raise ValidationError(f"{count.date:%Y-%m-%d} {count.get_meal_display()}已登记就餐人数")
    count.save()
    return count


def month_span(month):
    first = month.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return first, following - datetime.timedelta(days=1)


def _entry_sums(school, since=None, until=None):
    rows = CanteenEntry.objects.filter(school=school)
    if since:
        rows = rows.filter(date__gte=since)
    if until:
        rows = rows.filter(date__lte=until)
    return {kind: cents(total) for kind, total in rows.values_list("kind").annotate(total=Sum("amount"))}


def ingredient_cost(school, since=None, until=None):
    """The food issued from the school's canteen warehouses (食品原料 out, net of what went back),
    read from the stock ledger: the canteen's ingredient cost. Its issues are signed − out."""

    rows = Movement.objects.filter(school=school, warehouse__kind=WarehouseKind.CANTEEN,
                                   item__category=ItemCategory.FOOD,
                                   kind__in=[MovementKind.ISSUE, MovementKind.RETURN])
    if since:
        rows = rows.filter(occurred_on__gte=since)
    if until:
        rows = rows.filter(occurred_on__lte=until)
    return cents(-(rows.aggregate(total=Sum("amount"))["total"] or 0))


def entitled_days(school, since, until):
    """From the diner counts of the span: student-meals, staff-meals and the entitled students'
    days (营养改善计划: the standard is per student and day, so a day counts its largest meal)."""

    rows = DinerCount.objects.filter(school=school, date__gte=since, date__lte=until)
    found = rows.aggregate(students=Sum("students"), staff=Sum("staff"))
    days = rows.values("date").annotate(most=Max("entitled_students")).values_list("most", flat=True)
    return {"students": found["students"] or 0, "staff": found["staff"] or 0, "entitled": sum(days)}


def _balance(sums, ingredients):
    income = sum((sums.get(k, ZERO) for k in (*INCOME_KINDS, EntryKind.SUBSIDY_FOOD)), ZERO)
    costs = sum((sums.get(k, ZERO) for k in COST_KINDS), ZERO) + ingredients
    return cents(income), cents(costs)


def month_accounts(school, month):
    """The canteen's accounts of a month, every figure a sum of its sources: the income entries
    (伙食费, other income, the 营养改善补助 spent on the entitled students' food), the costs
    (ingredients issued from stock, labour, fuel, other), the month's surplus and the balance
    carried over from the months before (收支平衡), cost per meal, the margin against the
    district's warning line, and the 营养改善补助 fund's own opening, movements and closing."""
    settings = CanteenSettings.of(school)
    first, last = month_span(month)
    sums = _entry_sums(school, first, last)
    before = _entry_sums(school, until=first - datetime.timedelta(days=1))
    ingredients = ingredient_cost(school, first, last)
    income, costs = _balance(sums, ingredients)
    income_before, costs_before = _balance(before, ingredient_cost(school, until=first - datetime.timedelta(days=1)))
    diners = entitled_days(school, first, last)
    meals = diners["students"] + diners["staff"]
    surplus = income - costs
    margin = (surplus * 100 / income).quantize(Decimal("0.01")) if income else None
    subsidy_opening = cents(before.get(EntryKind.SUBSIDY_IN, ZERO) - before.get(EntryKind.SUBSIDY_FOOD, ZERO))
    subsidy_in, subsidy_food = sums.get(EntryKind.SUBSIDY_IN, ZERO), sums.get(EntryKind.SUBSIDY_FOOD, ZERO)
    return {
        "month": first, "last": last,
        "fees": sums.get(EntryKind.FEES, ZERO), "other_income": sums.get(EntryKind.OTHER_INCOME, ZERO),
        "subsidy_food": subsidy_food, "income": income,
        "ingredients": ingredients, "labour": sums.get(EntryKind.LABOUR, ZERO), "fuel": sums.get(EntryKind.FUEL, ZERO),
        "other_cost": sums.get(EntryKind.OTHER_COST, ZERO), "costs": costs,
        "surplus": surplus, "carried_in": cents(income_before - costs_before),
        "balance": cents(income_before - costs_before + surplus),
        "meals": meals, "student_meals": diners["students"], "staff_meals": diners["staff"],
        "entitled_days": diners["entitled"],
        "cost_per_meal": cents(costs / meals) if meals else None,
        "margin": margin, "margin_line": settings.surplus_margin_percent,
        "over_margin": margin is not None and margin > settings.surplus_margin_percent,
        "subsidy_opening": subsidy_opening, "subsidy_in": subsidy_in,
        "subsidy_closing": cents(subsidy_opening + subsidy_in - subsidy_food),
        "subsidy_ceiling": cents(diners["entitled"] * settings.subsidy_per_student_day),
    }


@transaction.atomic
def record_entry(entry, *, by):
    """Book an entry of the canteen's accounts. The 营养改善补助 is its own fund (专款专用, F12):
    its allocations come in as 拨入 and it pays only for the entitled students' food — at most
    their meals this month (the diner counts) at the standard per student and day, and never
    more than the fund holds; labour, fuel, staff meals and the rest are paid from the canteen's
    own account. A correction (a negative amount) says why."""

    if entry.amount is None or entry.amount == 0:
        raise ValidationError({"amount": "金额不能为零"})
    entry.amount = cents(entry.amount)
    if entry.amount < 0 and not entry.note.strip():
        raise ValidationError({"note": "冲销（负数金额）须写明原因"})
    entry.fund = Fund.SUBSIDY if entry.kind in SUBSIDY_KINDS else Fund.CANTEEN
    if entry.kind == EntryKind.SUBSIDY_FOOD and entry.amount > 0:
        # One at a time per school: the fund's balance and the month's ceiling are read locked.
        School.objects.select_for_update().filter(pk=entry.school_id).first()
        first, last = month_span(entry.date)
        sums = _entry_sums(entry.school, first, last)
        days = entitled_days(entry.school, first, last)["entitled"]
        ceiling = cents(days * CanteenSettings.of(entry.school).subsidy_per_student_day)
        spent = sums.get(EntryKind.SUBSIDY_FOOD, ZERO)
        if spent + entry.amount > ceiling:
            raise ValidationError({"amount": (
                f"营养改善补助只能用于受助学生的膳食（专款专用，不得用于教职工伙食等）：{first:%Y年%m月}受助学生"
                f" {days} 人·天，至多 {yuan(ceiling)} 元，已用 {yuan(spent)} 元")})
        held = _entry_sums(entry.school)
        balance = held.get(EntryKind.SUBSIDY_IN, ZERO) - held.get(EntryKind.SUBSIDY_FOOD, ZERO)
        if entry.amount > balance:
            raise ValidationError({"amount": f"营养改善补助余额 {yuan(balance)} 元，不足支付"})
    entry.recorded_by = by
    entry.save()
    return entry
