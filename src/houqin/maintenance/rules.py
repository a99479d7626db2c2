"""Who may do what in maintenance, added to the one rules table in core.

Anyone in the school reports a repair and sees his own reports; a worker also sees the orders
assigned to him and works and closes them; the director and the principal see everything and
dispatch; the district officer reads. Preventive plans are the director's; workers do the
checks (tasks). Special equipment is managed by the director.

The steps of a work order name who takes them: `oversee` opens the dispatch board and the
statistics, `take` the worker's "my jobs" page; the others are checked by the services with
core.rules.require, which also lets the assignee work his order and the reporter verify his.
"""

from django.db.models import Q

from houqin.core.choices import Role as R
from houqin.core.rules import EVERYONE, MANAGERS, RULES, own_rows, rule, step

from .choices import Status

WORKERS = MANAGERS | {R.WORKER}
# Roles that see every work order of the school (and the board and the statistics).
SEES_ALL = MANAGERS | {R.DISTRICT_OFFICER}


def assignee(order, user):
    return bool(order.worker_id and order.worker.user_id == user.pk)


def reporter(order, user):
    return order.reporter_id == user.pk


def reporter_before_dispatch(order, user):
    return reporter(order, user) and order.status == Status.SUBMITTED


WORK_ORDER_STEPS = {
    "oversee": step(SEES_ALL, "查看派单看板和维修统计"),
    "dispatch": step(MANAGERS, "派单"),
    "take": step(WORKERS, "接单维修"),
    "work": step(MANAGERS, "办理维修", also=assignee, refused="只有被派单的维修工或总务主任可以办理"),
    "verify": step(MANAGERS, "验收", also=reporter, refused="只有报修人（或总务主任）可以验收"),
    "reopen": step(MANAGERS, "要求返修", also=reporter, refused="只有报修人（或总务主任）可以要求返修"),
    "cancel": step(MANAGERS, "取消报修单", also=reporter_before_dispatch,
                   refused="报修人只能在派单前取消；已派单的请联系总务主任"),
}

RULES.update({
    # The school's repair times: shown on the school's page, changed like the school.
    "maintenance.maintenancesettings": RULES["core.school"],
    "maintenance.workorder": rule(EVERYONE, add=EVERYONE, change=MANAGERS, delete=(), steps=WORK_ORDER_STEPS,
                                  rows=own_rows(SEES_ALL, lambda user: Q(reporter=user) | Q(worker__user=user))),
    # The event log is written only by services and read with its order.
    "maintenance.workorderevent": rule(EVERYONE),
    "maintenance.workorderpart": rule(WORKERS | {R.KEEPER, R.ACCOUNTANT}, add=WORKERS, change=(), delete=()),
    "maintenance.preventiveplan": rule(WORKERS, add=MANAGERS),
    "maintenance.preventivetask": rule(WORKERS, add=(), change=WORKERS, delete=(),
                                       steps={"check": step(WORKERS, "记录巡检结果")}),
    "maintenance.specialequipment": rule(MANAGERS | {R.WORKER, R.CANTEEN}, add=MANAGERS, delete=MANAGERS),
    "maintenance.maintenancerecord": rule(MANAGERS | {R.WORKER, R.CANTEEN}, add=MANAGERS, change=(), delete=()),
})
