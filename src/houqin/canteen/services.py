"""What the canteen's pages and API do, in one place: each function checks the rule it
enforces and refuses in Chinese (ValidationError), so a refusal writes nothing."""

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from houqin.core.choices import CertificateKind
from houqin.core.models import Certificate
from houqin.core.rules import require

from .choices import CHECKLISTS, DISINFECTION_MINIMA, CheckKind
from .models import CanteenSettings, MorningCheck

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
    from .models import SampleRecord

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
