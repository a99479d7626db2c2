"""Domain operations of the safety app (安全). Each takes the acting user as `by`, locks the
row, checks the step (core.rules.require: fails closed) and the state, writes the trail and
notifies the people concerned. Views and serializers call these and never set a status.

The hazard's closed loop: report → assign (with a deadline; optionally a work order) →
rectify (with an after-photo) → re-check by a third person → closed (销号), or back to
rectification when the re-check fails. Overdue hazards are escalated once (`houqin tick`).
"""

import hashlib
import hmac
import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from houqin.core.choices import AttachmentKind, Role
from houqin.core.rules import require
from houqin.core.services import attach, holders, notify
from houqin.core.text import initials
from houqin.maintenance import services as maintenance
from houqin.maintenance.choices import Status
from houqin.maintenance.models import WorkOrder

from .choices import EntryKind, EntryStatus, HazardEventKind, HazardStatus, Level
from .models import GateEntry, Hazard, HazardEvent, overdue_q

# --- helpers -------------------------------------------------------------------------------


def _locked(hazard):
    # Only the hazard's row is locked: PostgreSQL refuses FOR UPDATE on the outer join of assignee.
    return Hazard.objects.select_for_update(of=("self",)).select_related("school", "assignee").get(pk=hazard.pk)


def _require_status(hazard, *statuses, action):
    if hazard.status not in statuses:
        raise ValidationError(f"隐患 {hazard.number} 当前状态为“{hazard.get_status_display()}”，不能{action}")


def _event(hazard, kind, *, by, note=""):
    return HazardEvent.objects.create(school=hazard.school, hazard=hazard, kind=kind, status=hazard.status, by=by,
                                      note=(note or "")[:500])


def _tell(users, hazard, title, body="", dedupe_key=None):
    users = [u for u in dict.fromkeys(users) if u is not None]
    level = f"【{hazard.get_level_display()}隐患】"
    notify(users, school=hazard.school, title=f"{level}{title}：{hazard.number} {hazard.where}",
           body=body or hazard.description[:200], url=hazard.get_absolute_url(), dedupe_key=dedupe_key)


def _assignee_user(hazard):
    return hazard.assignee.user if hazard.assignee_id and hazard.assignee.user_id else None


def _photos(hazard, photos, by):
    for photo in photos:
        attach(hazard, photo, by=by, kind=AttachmentKind.PHOTO)


# --- the closed loop -------------------------------------------------------------------------


@transaction.atomic
def report(hazard, *, by, photos=()):
    """上报隐患: anyone; the director (and for 重大 the principal and the district officer) is told."""
    if hazard.room_id is None and not (hazard.place or "").strip():
        raise ValidationError("请选择隐患地点或填写地点说明")
    if not (hazard.description or "").strip():
        raise ValidationError({"description": "请描述隐患"})
    hazard.reported_by = by
    hazard.status = HazardStatus.REPORTED
    hazard.save()
    _photos(hazard, photos, by)
    _event(hazard, HazardEventKind.REPORT, by=by, note=f"{hazard.get_measure_display()}；{hazard.description[:150]}")
    roles = [Role.DIRECTOR, Role.PRINCIPAL, Role.DISTRICT_OFFICER] if hazard.level == Level.MAJOR else [Role.DIRECTOR]
    _tell(holders(hazard.school, roles), hazard, "新隐患")
    return hazard


@transaction.atomic
def assign(hazard, *, by, assignee, deadline, note="", repair=None):
    """指派整改: to a person of the school with a deadline. `repair`, a dict of the work
    order's category (and urgency), opens a work order through maintenance's own service
    (报修); the hazard then is rectified when that order is verified (signals.py)."""
    hazard = _locked(hazard)
    _require_status(hazard, HazardStatus.REPORTED, HazardStatus.ASSIGNED, action="指派整改")
    require(by, "assign", hazard)
    if assignee is None or assignee.school_id != hazard.school_id:
        raise ValidationError({"assignee": "请选择本校的整改责任人"})
    if deadline is None:
        raise ValidationError({"deadline": "请填写整改期限"})
    if deadline < timezone.localdate(hazard.reported_at):
        raise ValidationError({"deadline": "整改期限不能早于发现日期"})
    hazard.assignee, hazard.deadline, hazard.assigned_by = assignee, deadline, by
    hazard.status = HazardStatus.ASSIGNED
    hazard.save()
    _event(hazard, HazardEventKind.ASSIGN, by=by,
           note=f"责任人 {assignee.name}，期限 {deadline:%Y-%m-%d}" + (f"；{note}" if note else ""))
    if repair and hazard.work_order_id is None:
        _open_work_order(hazard, by=by, **repair)
    _tell([_assignee_user(hazard)], hazard, f"请在 {deadline:%m月%d日} 前整改")
    return hazard


def _open_work_order(hazard, *, by, category, urgent=False):
    urgency = "urgent" if urgent or hazard.level != Level.GENERAL else "normal"
    order = WorkOrder(school=hazard.school, category=category, urgency=urgency, room=hazard.room,
                      place=hazard.place, description=f"【安全隐患 {hazard.number}】{hazard.description}"[:1000])
    maintenance.report(order, by=by)
    hazard.work_order = order
    hazard.save(update_fields=["work_order", "updated_at"])
    _event(hazard, HazardEventKind.WORK_ORDER, by=by, note=f"报修单 {order.number}")
    return order


@transaction.atomic
def rectify(hazard, *, by, rectification, photos=()):
    """整改完成: what was done, with the after-photo(s); then it waits for the re-check."""
    hazard = _locked(hazard)
    _require_status(hazard, HazardStatus.ASSIGNED, action="登记整改")
    require(by, "rectify", hazard)
    if not (rectification or "").strip():
        raise ValidationError({"rectification": "请填写整改情况"})
    if not photos:
        raise ValidationError({"photos": "请上传整改后的照片"})
    _photos(hazard, photos, by)
    return _rectified(hazard, by=by, text=rectification.strip())


def _rectified(hazard, *, by, text):
    hazard.rectification, hazard.rectified_by, hazard.rectified_at = text, by, timezone.now()
    hazard.status = HazardStatus.RECTIFIED
    hazard.save()
    _event(hazard, HazardEventKind.RECTIFY, by=by, note=text[:300])
    _tell([hazard.assigned_by, hazard.reported_by], hazard, "已整改，请复查")
    return hazard


def rectified_by_work_order(order):
    """The outcome of a hazard's work order: verified (报修人验收) means rectified, recorded
    in the worker's name with the order's 维修情况; the re-check still follows. Called at each step of
    a work order (signals.py); a hazard already past rectification is left alone."""

    if order.status != Status.VERIFIED:
        return 0
    done = 0
    # Only a first rectification: after a failed re-check the person responsible records it.
    for hazard in Hazard.objects.filter(work_order=order, status=HazardStatus.ASSIGNED, rectified_at__isnull=True):
        with transaction.atomic():
            hazard = _locked(hazard)
            if hazard.status != HazardStatus.ASSIGNED:
                continue
            worker = order.worker.user if order.worker_id and order.worker.user_id else None
            by = worker or order.verified_by or order.reporter
            _rectified(hazard, by=by, text=f"报修单 {order.number} 已验收：{order.work_done or '维修完毕'}")
            done += 1
    return done


def different_rechecker(hazard, by):
    """The re-check is a third person's (闭环销号): not who assigned, not who rectified, not
    the person responsible. Raises PermissionDenied saying which of them he is."""
    if by.pk == hazard.assigned_by_id:
        raise PermissionDenied("复查须由指派人以外的人进行：您指派了这项整改，请由校长或报告人复查")
    if by.pk == hazard.rectified_by_id or (hazard.assignee_id and hazard.assignee.user_id == by.pk):
        raise PermissionDenied("复查须由整改人以外的人进行：您负责这项整改，不能复查自己的整改")


@transaction.atomic
def recheck(hazard, *, by, passed, note=""):
    """复查: passed closes it (销号); failed sends it back to the same person (重新整改)."""
    hazard = _locked(hazard)
    _require_status(hazard, HazardStatus.RECTIFIED, action="复查")
    require(by, "recheck", hazard)
    different_rechecker(hazard, by)
    note = (note or "").strip()
    if not passed and not note:
        raise ValidationError({"note": "复查不合格的，请写明原因"})
    hazard.checked_by, hazard.checked_at, hazard.check_note = by, timezone.now(), note[:300]
    if passed:
        hazard.status = HazardStatus.CLOSED
        kind, title = HazardEventKind.PASS, "复查合格，已销号"
    else:
        hazard.status = HazardStatus.ASSIGNED
        hazard.reopen_count += 1
        kind, title = HazardEventKind.FAIL, "复查不合格，请重新整改"
    hazard.save()
    _event(hazard, kind, by=by, note=note)
    _tell([_assignee_user(hazard), hazard.assigned_by], hazard, title, note)
    return hazard


def escalate_overdue(today):
    """For `houqin tick`: every hazard past its deadline and not yet escalated is reported to
    the director and the principal (重大 also to the district officer) — once: the hazard
    keeps the time, and the notifications carry a dedupe key. Returns how many."""
    count = 0
    for hazard in Hazard.objects.filter(overdue_q(today), escalated_at__isnull=True).select_related("school"):
        with transaction.atomic():
            hazard = _locked(hazard)
            if hazard.escalated_at is not None or not hazard.overdue(today):
                continue
            hazard.escalated_at = timezone.now()
            hazard.save(update_fields=["escalated_at", "updated_at"])
            roles = [Role.DIRECTOR, Role.PRINCIPAL]
            if hazard.level == Level.MAJOR:
                roles.append(Role.DISTRICT_OFFICER)
            _event(hazard, HazardEventKind.ESCALATE, by=None, note=f"超过整改期限 {hazard.deadline:%Y-%m-%d}")
            _tell(holders(hazard.school, roles), hazard, f"逾期未整改（期限 {hazard.deadline:%m月%d日}）",
                  dedupe_key=f"hazard-overdue:{hazard.pk}")
            count += 1
    return count


# --- the gate ------------------------------------------------------------------------------

ID_PATTERN = re.compile(r"^[0-9A-Z]{6,20}$")


def normalise_id(number):
    return re.sub(r"\s", "", number or "").upper()


def id_digest(school, number):
    """A keyed digest of an identity number: the same card gives the same digest in one school,
    and the number cannot be read back from it."""
    key = f"{settings.SECRET_KEY}:gate-id:{school.pk}".encode()
    return hmac.new(key, normalise_id(number).encode(), hashlib.sha256).hexdigest()


def normalise_plate(plate):
    return re.sub(r"[\s·.\-]", "", plate or "").upper()


def _check_entry(entry):
    if entry.kind == EntryKind.VISITOR and not entry.name.strip():
        raise ValidationError({"name": "请填写来访人员姓名"})
    if entry.kind == EntryKind.VEHICLE and not entry.plate:
        raise ValidationError({"plate": "请填写车牌号"})


def _take_id(entry, id_number):
    """Keep the last four characters and the digest; the whole number is dropped here."""
    number = normalise_id(id_number)
    if not number:
        return
    if not ID_PATTERN.match(number):
        raise ValidationError({"id_number": "证件号只能是6到20位数字或字母"})
    entry.id_last4, entry.id_digest = number[-4:], id_digest(entry.school, number)


@transaction.atomic
def log_in(entry, *, by, id_number="", refused_reason=""):
    """来访 / 车辆进校登记, or a refused entry (拒绝入校) with its reason."""
    require(by, "log", entry)
    entry.plate = normalise_plate(entry.plate)
    entry.name = (entry.name or "").strip()
    _check_entry(entry)
    _take_id(entry, id_number)
    entry.logged_by = by
    entry.entered_at = timezone.now()
    refused_reason = (refused_reason or "").strip()
    entry.status = EntryStatus.REFUSED if refused_reason else EntryStatus.ON_CAMPUS
    entry.refusal_reason = refused_reason[:200]
    entry.save()
    return entry


@transaction.atomic
def update_entry(entry, *, by):
    """A correction of a record (name, phone, reason …): the number and times stay."""
    require(by, "log", entry)
    entry.plate = normalise_plate(entry.plate)
    _check_entry(entry)
    entry.save()
    return entry


@transaction.atomic
def log_out(entry, *, by):
    """离校登记."""
    entry = GateEntry.objects.select_for_update(of=("self",)).select_related("school").get(pk=entry.pk)
    require(by, "leave", entry)
    if entry.status != EntryStatus.ON_CAMPUS:
        raise ValidationError(f"{entry} 当前状态为“{entry.get_status_display()}”，不能登记离校")
    entry.status, entry.left_at, entry.left_logged_by = EntryStatus.LEFT, timezone.now(), by
    entry.save()
    return entry


def still_on_campus(queryset):
    return queryset.filter(status=EntryStatus.ON_CAMPUS).order_by("entered_at", "pk")


def returning(queryset, text, limit=8):
    """Earlier visitors or vehicles whose name or plate starts with `text` (or whose name's
    pinyin initials do), newest first, one per name/plate: to fill the form in again."""

    text = (text or "").strip()
    if not text:
        return []
    plate = normalise_plate(text)
    candidates = queryset.filter(Q(name__startswith=text) | Q(plate__startswith=plate) | Q(name__gt="")
                                 if text.isascii() and text.isalpha() else
                                 Q(name__startswith=text) | Q(plate__startswith=plate))
    seen, found = set(), []
    for entry in candidates.exclude(status=EntryStatus.REFUSED).order_by("-entered_at", "-pk")[:500]:
        key = (entry.name, entry.plate)
        if key in seen:
            continue
        matches = (entry.name.startswith(text) or entry.plate.startswith(plate)
                   or initials(entry.name).startswith(text.lower()))
        if matches:
            seen.add(key)
            found.append(entry)
        if len(found) >= limit:
            break
    return found
