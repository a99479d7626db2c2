"""Domain operations of the maintenance app (维修). Each takes the acting user as `by`, locks
the row, checks that the step is allowed (raising ValidationError or PermissionDenied in
Chinese), changes the state, writes the event log and notifies the people concerned on commit.
Views and serializers call these and never assign a status."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Prefetch
from django.utils import timezone

from houqin.assets.choices import AssetStatus
from houqin.assets.services import repaired, send_to_repair
from houqin.core.choices import AttachmentKind, CertificateKind, Role
from houqin.core.models import Certificate, Membership, Person, SchoolClass
from houqin.core.money import cents
from houqin.core.rules import require
from houqin.core.services import attach, holders, notify
from houqin.stock import services as stock

from .choices import OPEN, Category, EventKind, RecordKind, Status, TaskStatus, Urgency
from .models import (
    MaintenanceRecord,
    MaintenanceSettings,
    PreventivePlan,
    PreventiveTask,
    SpecialEquipment,
    WorkOrder,
    WorkOrderEvent,
    WorkOrderPart,
)
from .targets import WHOLE, resolve

# --- helpers -------------------------------------------------------------------------


def _locked(order):
    return WorkOrder.objects.select_for_update().select_related("school").get(pk=order.pk)


def _require(order, *statuses, action):
    if order.status not in statuses:
        raise ValidationError(f"报修单 {order.number} 当前状态为“{order.get_status_display()}”，不能{action}")


def _event(order, kind, *, by, note=""):
    return WorkOrderEvent.objects.create(school=order.school, work_order=order, kind=kind, status=order.status,
                                         by=by, note=(note or "")[:500])


def managers(school):
    """The school's directors: they dispatch and are told of new reports."""
    return holders(school, [Role.DIRECTOR])


def _tell(users, order, title, body=""):
    users = [u for u in dict.fromkeys(users) if u is not None]
    notify(users, school=order.school, title=f"{title}：{order.number} {order.get_category_display()} {order.where}",
           body=body or order.description[:200], url=order.get_absolute_url())


def _worker_user(order):
    return order.worker.user if order.worker_id and order.worker.user_id else None


def next_number(school, day):
    """BX20261121-003: the day's running number of the school."""
    prefix = f"BX{day:%Y%m%d}-"
    last = WorkOrder.objects.filter(school=school, number__startswith=prefix).aggregate(m=Max("number"))["m"]
    n = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{n:03d}"


def default_room(user, school):
    """The classroom of the class whose head teacher (班主任) this user is, for pre-filling."""
    found = (SchoolClass.objects.filter(school=school, head_teacher__user=user, room__isnull=False)
             .select_related("room").order_by("grade", "number").first())
    return found.room if found else None


# --- reporting and dispatch ----------------------------------------------------------------


@transaction.atomic
def report(order, *, by, photos=()):
    """Save a new work order (报修) with its photos; tell the director."""

    if order.room_id is None and not order.place.strip() and order.asset_id is None:
        raise ValidationError("请选择报修地点或填写地点说明")
    if order.asset_id and order.asset.school_id != order.school_id:
        raise ValidationError("资产不属于本校")
    if order.asset_id and order.room_id is None:
        order.room = order.asset.room
    order.reporter = by
    order.status = Status.SUBMITTED
    order.reported_at = order.reported_at or timezone.now()
    for _attempt in range(3):
        order.number = next_number(order.school, timezone.localtime(order.reported_at).date())
        try:
            with transaction.atomic():
                order.save()
            break
        except IntegrityError:
            order.pk = None
            continue
    else:  # pragma: no cover - three concurrent reports in the same instant
        raise ValidationError("报修单号冲突，请重试")
    for photo in photos:
        attach(order, photo, by=by, kind=AttachmentKind.PHOTO)
    _event(order, EventKind.SUBMIT, by=by, note=order.description[:200])
    urgent = "【紧急】" if order.urgency == Urgency.URGENT else ""
    _tell(managers(order.school), order, f"{urgent}新报修")
    return order


@transaction.atomic
def assign(order, *, by, worker=None, contractor="", note=""):
    """派单: to a worker of the school (a Person) or an outside contractor. Re-assigning an
    assigned order is allowed. An asset in the order is sent to repair (送修) in the register."""
    order = _locked(order)
    _require(order, Status.SUBMITTED, Status.ASSIGNED, action="派单")
    require(by, "dispatch", order)
    contractor = (contractor or "").strip()
    if worker is None and not contractor:
        raise ValidationError("请选择维修工或填写外包单位")
    if worker is not None and worker.school_id != order.school_id:
        raise ValidationError("维修人不是本校教职工")
    first = order.status == Status.SUBMITTED
    order.worker, order.contractor = worker, contractor
    order.status = Status.ASSIGNED
    order.assigned_at = timezone.now()
    order.save()
    who = worker.name if worker else contractor
    _event(order, EventKind.ASSIGN, by=by, note=f"派给 {who}" + (f"：{note}" if note else ""))
    if first and order.asset_id and order.asset.status in (AssetStatus.IN_USE, AssetStatus.IDLE, AssetStatus.DAMAGED):
        send_to_repair(order.asset, by=by, note=f"报修单 {order.number}")
    _tell([_worker_user(order)], order, "派单给您")
    _tell([order.reporter], order, f"您的报修已派单（{who}）")
    return order


@transaction.atomic
def start(order, *, by):
    order = _locked(order)
    _require(order, Status.ASSIGNED, action="开始维修")
    require(by, "work", order)
    order.status = Status.IN_PROGRESS
    order.started_at = timezone.now()
    order.save()
    _event(order, EventKind.START, by=by)
    return order


@transaction.atomic
def issue_part(order, *, by, warehouse, item, quantity, on=None):
    """Material from the stock for this order (领料): a stock issue and a WorkOrderPart per
    movement, in one transaction; the order's parts cost is the movements' moving-average value.
    `on` dates the movement (the demo's past days); default today."""

    order = _locked(order)
    _require(order, Status.ASSIGNED, Status.IN_PROGRESS, action="领用材料")
    require(by, "work", order)
    if warehouse.school_id != order.school_id or item.school_id != order.school_id:
        raise ValidationError("仓库或物品不属于本校")
    person = Person.objects.filter(school=order.school, user=by).first()
    movements = stock.issue(warehouse=warehouse, item=item, quantity=quantity, by=by, person=person,
                            source=order, note=f"维修领料 {order.number}", on=on)
    if not isinstance(movements, list | tuple):
        movements = [movements]
    parts = []
    for m in movements:
        parts.append(WorkOrderPart.objects.create(
            school=order.school, work_order=order, warehouse=warehouse, item=item, quantity=-m.quantity,
            movement=m, cost=-m.amount, by=by))
    order.parts_cost = sum((p.cost for p in order.parts.all()), Decimal("0.00"))
    order.save(update_fields=["parts_cost", "updated_at"])
    _event(order, EventKind.PART, by=by, note=f"{item} ×{Decimal(quantity).normalize():f}{item.unit}")
    return parts


@transaction.atomic
def finish(order, *, by, work_done, labour_hours=Decimal("0"), outsourced_cost=Decimal("0"), invoice_number=""):
    """完工: what was done, own labour hours, the outsourced cost with its invoice."""
    order = _locked(order)
    _require(order, Status.ASSIGNED, Status.IN_PROGRESS, action="完工")
    require(by, "work", order)
    if not (work_done or "").strip():
        raise ValidationError({"work_done": "请填写维修情况"})
    labour_hours, outsourced_cost = Decimal(labour_hours or 0), Decimal(outsourced_cost or 0)
    if labour_hours < 0 or outsourced_cost < 0:
        raise ValidationError("用工和费用不能为负数")
    if outsourced_cost > 0 and not (invoice_number or "").strip():
        raise ValidationError({"invoice_number": "有外包费用的须填写发票号"})
    now = timezone.now()
    order.status = Status.DONE
    order.started_at = order.started_at or now
    order.done_at = now
    order.work_done = work_done.strip()
    order.labour_hours = labour_hours
    order.outsourced_cost = cents(outsourced_cost)
    order.invoice_number = (invoice_number or "").strip()
    order.save()
    _event(order, EventKind.FINISH, by=by, note=order.work_done[:200])
    _tell([order.reporter], order, "维修完毕，请验收签字")
    return order


def _close_asset(order, by, note):
    if order.asset_id and order.asset.status == AssetStatus.IN_REPAIR:
        repaired(order.asset, by=by, note=note)


@transaction.atomic
def verify(order, *, by, note="", rating=None, comment=""):
    """报修人验收签字 (or the director in his place). Only the 报修人 rates the repair (1–5): the
    people served are who the statistics ask about a worker's or contractor's quality."""
    order = _locked(order)
    _require(order, Status.DONE, action="验收")
    require(by, "verify", order)
    if rating is not None:
        if order.reporter_id != by.pk:
            raise ValidationError("只有报修人本人可以评分")
        if not 1 <= int(rating) <= 5:
            raise ValidationError("评分应为 1–5 分")
        order.rating, order.rating_comment = int(rating), comment
    elif comment:
        raise ValidationError("请先选择评分，再写评价")
    order.status = Status.VERIFIED
    order.verified_at = timezone.now()
    order.verified_by = by
    order.save()
    _event(order, EventKind.VERIFY, by=by, note=note)
    _close_asset(order, by, f"报修单 {order.number} 验收")
    _tell([_worker_user(order)], order, "报修人已验收")
    return order


@transaction.atomic
def reopen(order, *, by, reason):
    """Not fixed (返修): back to the same worker with the reason."""
    order = _locked(order)
    _require(order, Status.DONE, action="返修")
    require(by, "reopen", order)
    if not (reason or "").strip():
        raise ValidationError({"reason": "请写明返修原因"})
    order.status = Status.ASSIGNED
    order.reopen_count += 1
    order.done_at = None
    order.save()
    _event(order, EventKind.REOPEN, by=by, note=reason.strip())
    _tell([_worker_user(order), *managers(order.school)], order, "报修人要求返修", reason)
    return order


@transaction.atomic
def cancel(order, *, by, reason):
    """取消: by the reporter before it is dispatched, or by the director while it is open."""
    order = _locked(order)
    _require(order, *OPEN, action="取消")
    require(by, "cancel", order)
    if not (reason or "").strip():
        raise ValidationError({"reason": "请写明取消原因"})
    order.status = Status.CANCELLED
    order.cancel_reason = reason.strip()[:200]
    order.save()
    _event(order, EventKind.CANCEL, by=by, note=order.cancel_reason)
    _close_asset(order, by, f"报修单 {order.number} 取消")
    _tell([order.reporter, _worker_user(order)], order, "报修单已取消", order.cancel_reason)
    return order


def auto_verify(today=None):
    """For `houqin tick`: orders done more than the school's repair_verify_days ago and not
    verified by the reporter are verified by the system. Idempotent."""
    now = timezone.now()
    if today is not None and today != timezone.localdate():  # a given day (tick --date): its end
        now = timezone.make_aware(datetime.datetime.combine(today, datetime.time(23, 59)))
    count = 0
    pending = (WorkOrder.objects.filter(status=Status.DONE)
               .select_related("school__maintenancesettings", "asset", "reporter"))
    for order in pending:
        days = MaintenanceSettings.of(order.school).repair_verify_days
        if order.done_at and order.done_at + datetime.timedelta(days=days) <= now:
            with transaction.atomic():
                order = _locked(order)
                if order.status != Status.DONE:
                    continue
                order.status = Status.VERIFIED
                order.verified_at = now
                order.auto_verified = True
                order.save()
                _event(order, EventKind.AUTO_VERIFY, by=None,
                       note=f"完工 {days} 天内报修人未验收，系统自动验收")
                _close_asset(order, order.reporter, f"报修单 {order.number} 自动验收")
            count += 1
    return count


# --- special equipment ---------------------------------------------------------------------


@transaction.atomic
def record_maintenance(equipment, *, by, kind=RecordKind.MAINTENANCE, done_on=None, contractor="", note="",
                       next_inspection_on=None):
    """A maintenance (维保) or annual inspection (年检): the append-only record, and the
    equipment's last-maintained date or next inspection date."""
    equipment = SpecialEquipment.objects.select_for_update().get(pk=equipment.pk)
    done_on = done_on or timezone.localdate()
    if done_on > timezone.localdate():
        raise ValidationError({"done_on": "日期不能晚于今天"})
    if kind == RecordKind.INSPECTION and next_inspection_on is None:
        next_inspection_on = done_on.replace(year=done_on.year + 1) if not (done_on.month == 2 and done_on.day == 29) \
            else done_on + datetime.timedelta(days=365)
    record = MaintenanceRecord.objects.create(
        school=equipment.school, equipment=equipment, kind=kind, done_on=done_on,
        contractor=contractor or equipment.contractor, note=note, by=by, next_inspection_on=next_inspection_on)
    if kind == RecordKind.MAINTENANCE:
        if equipment.last_maintained_on is None or done_on > equipment.last_maintained_on:
            equipment.last_maintained_on = done_on
    else:
        equipment.inspection_due_on = next_inspection_on
    equipment.save()
    return record


def equipment_alerts(school, today=None):
    """(equipment or person, text, url) for the home-page panel: maintenance overdue, annual
    inspection due within 30 days, operators whose licence has expired."""

    today = today or timezone.localdate()
    alerts = []
    licences = Prefetch("operators__certificates", to_attr="licences",
                        queryset=Certificate.objects.filter(kind=CertificateKind.SPECIAL_EQUIPMENT))
    for eq in SpecialEquipment.objects.filter(school=school, active=True).prefetch_related("operators", licences):
        url = eq.get_absolute_url()
        if eq.maintenance_overdue(today):
            due = eq.maintenance_due_on()
            text = f"{eq.name} 维保逾期（应于 {due:%Y-%m-%d} 前维保）" if due else f"{eq.name} 无维保记录"
            alerts.append((text, url, "维保逾期"))
        if eq.inspection_due_soon(today):
            late = eq.inspection_due_on < today
            alerts.append((f"{eq.name} 年检{'已过期' if late else '将到期'}（{eq.inspection_due_on:%Y-%m-%d}）", url,
                           "年检"))
        for person in eq.operators.all():
            valid = [c for c in person.licences if c.expires_on is None or c.expires_on >= today]
            if not valid:
                expired = [c.expires_on for c in person.licences if c.expires_on]
                since = f"，{max(expired):%Y-%m-%d} 已过期" if expired else "，无有效证件"
                alerts.append((f"{eq.name} 作业人员 {person.name} 特种设备作业证过期{since}", url, "持证"))
    return alerts


# --- preventive tasks ------------------------------------------------------------------------


# What a task's targets need read with it: the plan, its category, its equipment's room.
TASK_RELATED = ("plan__asset_category", "plan__equipment__room__building")


def task_queryset():
    return PreventiveTask.objects.select_related(*TASK_RELATED)


def _cells(task, targets, results):
    """The full matrix of cells from what was sent: every target × item, OK unless marked.
    A result may leave out "target" when the task has one target (the old format) or when it
    says OK. Unknown targets or items are refused."""
    items = task.plan.items()
    marks, categories = _marks(items, targets, results)
    cells = []
    for t in targets:
        for item in items:
            mark = marks.get((t.key, item), {"ok": True, "note": ""})
            cells.append({"target": t.key, "label": t.label, "item": item, "ok": mark["ok"],
                          "note": mark["note"][:200]})
    return cells, categories


def _marks(items, targets, results):
    """{(target key, item): {"ok", "note"}} of the cells the worker marked, and the category
    a faulty cell gives its target; refuses items and targets the task does not have."""
    by_key = {t.key: t for t in targets}
    marks, categories = {}, {}
    unknown_items, unknown_targets = set(), set()
    for r in results:
        item, ok = r.get("item"), bool(r.get("ok", True))
        key = _result_target(r, targets) if item in items else None
        if item not in items:
            unknown_items.add(str(item))
        elif key is None:
            continue  # "this item is fine" without a target: nothing to record
        elif key not in by_key:
            unknown_targets.add(str(key))
        else:
            _mark(marks.setdefault((key, item), {"ok": True, "note": ""}), ok, r.get("note"))
            if not ok and r.get("category") and r["category"] != Category.OTHER:
                categories.setdefault(key, r["category"])
    if unknown_items:
        raise ValidationError(f"检查项目不在计划中：{'、'.join(sorted(unknown_items))}")
    if unknown_targets:
        raise ValidationError(f"检查对象不属于该巡检任务（或已不在用）：{'、'.join(sorted(unknown_targets))}")
    return marks, categories


def _result_target(result, targets):
    """The target a result names; the only one when it names none; None for an OK cell that
    names none among several. A faulty cell must say which target."""
    key = result.get("target") or None
    if key is not None or len(targets) == 1:
        return key or targets[0].key
    if bool(result.get("ok", True)):
        return None
    raise ValidationError(f"该巡检任务有 {len(targets)} 个检查对象，请指明“{result.get('item')}”有问题的对象（target）")


def _mark(cell, ok, note):
    cell["ok"] = cell["ok"] and ok
    note = str(note or "").strip()[:200]
    if note and note not in cell["note"]:
        cell["note"] = f"{cell['note']}；{note}" if cell["note"] else note


@transaction.atomic
def complete_task(task, *, by, results):
    """Record a check: `results` is [{"target", "item", "ok", "note", "category"}], one per
    cell of the matrix (targets × checklist items) the worker marked; cells left out are OK.
    Each target with a faulty item opens one work order listing its faulty items, with the
    asset and its room (or the room, or the equipment's room) filled in; category `其他`
    unless a faulty cell gives one. An asset that already has an unfinished order gets the
    findings added to that order instead of a second one. Returns (task, the orders opened or
    added to; the new ones have `task` set to this task)."""
    # of=self: PostgreSQL cannot lock the nullable side of the outer join to the equipment
    task = task_queryset().select_for_update(of=("self",)).select_related("school").get(pk=task.pk)
    require(by, "check", task)
    if task.status != TaskStatus.OPEN:
        raise ValidationError("该巡检任务已完成")
    targets = resolve(task.plan, task.school_id)
    cells, categories = _cells(task, targets, results)
    task.status = TaskStatus.DONE
    task.results = cells
    task.done_by, task.done_at = by, timezone.now()
    task.save()
    faulty = {t.key: [c for c in cells if c["target"] == t.key and not c["ok"]] for t in targets}
    unfinished = {o.asset_id: o for o in WorkOrder.objects.filter(
        school=task.school, status__in=OPEN,
        asset_id__in=[t.asset.pk for t in targets if t.asset is not None and faulty[t.key]]).order_by("pk")}
    opened = []
    for t in targets:
        if faulty[t.key]:
            pending = unfinished.get(t.asset.pk) if t.asset is not None else None
            opened.append(_report_finding(task, t, faulty[t.key], categories.get(t.key, Category.OTHER),
                                          pending, by=by))
    return task, opened


def _report_finding(task, target, faulty, category, pending, *, by):
    """One target's faulty cells: added to the asset's unfinished order (`pending`; one order
    per fault), or a new work order for the target."""
    plan = task.plan
    notes = list(dict.fromkeys(c["note"] for c in faulty if c["note"]))
    subject = plan.name if target.key == WHOLE else f"{plan.name} · {target.label}"
    description = f"巡检发现：{subject}：{'、'.join(c['item'] for c in faulty)}" + (
        f"。{'；'.join(notes)}" if notes else "")
    if pending is not None:
        _event(pending, EventKind.NOTE, by=by, note=description)
        _tell([_worker_user(pending), *managers(task.school)], pending, "巡检再次发现问题", description)
        return pending
    place = "" if target.room else (plan.name if target.key == WHOLE else target.label)[:100]
    order = WorkOrder(school=task.school, category=category, task=task, room=target.room, asset=target.asset,
                      place=place, description=description[:1000])
    return report(order, by=by)


def my_worker_person(user, school):
    return Person.objects.filter(school=school, user=user).first()


def workers(school):
    """People of the school who hold the worker role (维修工), for the dispatch dropdown."""
    users = Membership.objects.filter(school=school, role=Role.WORKER).values("user")
    return Person.objects.filter(school=school, active=True, user__in=users)


# --- the seeds' routine checks ---------------------------------------------------------------

# (name, recurrence, weekday, day of month, checklist) — the timetable of routine checks of
# the seeds: 每周一检查大型玩具、体育器材; 每月初检查电扇; 每周检查食堂燃气用具、电器、门窗;
# 每月检查门窗; 每周检查照明; 进入夏季前清洗空调; 放假前检查电脑及电源关闭; 设施半月一检查.
SEED_PLANS = [
    ("每周一检查大型玩具、体育器材", "weekly", 0, 1,
     "大型玩具固定螺栓无松动\n滑梯、秋千无破损\n篮球架、单双杠稳固\n体育器材室器材完好"),
    ("每月初检查电扇", "monthly", 0, 1, "吊扇固定牢靠\n扇叶无变形\n调速开关正常\n运转无异响"),
    ("每周检查食堂燃气用具、电器、门窗", "weekly", 2, 1,
     "燃气管道、阀门无泄漏\n燃气报警器正常\n灶具点火正常\n电器线路、插座完好\n食堂门窗、纱窗完好"),
    ("每月检查门窗", "monthly", 0, 5, "门锁、合页完好\n窗户开关灵活\n玻璃无破损\n窗纱完好"),
    ("每周检查照明", "weekly", 4, 1, "教室灯管正常\n走廊、楼梯照明正常\n应急照明正常"),
    ("进入夏季前清洗空调", "before_summer", 0, 1, "清洗过滤网\n检查制冷效果\n检查排水管"),
    ("放假前检查电脑及电源关闭", "before_vacation", 0, 1, "电脑已关机\n饮水机、电器电源已关闭\n门窗已关好上锁"),
    ("设施半月一检查", "half_monthly", 0, 1, "水龙头、水管无滴漏\n厕所冲水正常\n桌椅完好\n电源插座、开关完好"),
]


def install_seed_plans(school, *, assignee=None):
    """The seeds' routine checks as the school's preventive plans (each once, by name);
    returns the plans created."""

    have = set(PreventivePlan.objects.filter(school=school).values_list("name", flat=True))
    created = []
    for name, recurrence, weekday, dom, checklist in SEED_PLANS:
        if name in have:
            continue
        created.append(PreventivePlan.objects.create(
            school=school, name=name, recurrence=recurrence, weekday=weekday, day_of_month=dom,
            checklist=checklist, assignee=assignee))
    return created
