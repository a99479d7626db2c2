"""Who may do what in maintenance, added to the one rules table in core.

Anyone in the school reports a repair and sees his own reports; a worker also sees the orders
assigned to him and works and closes them (services check that he is the assignee); the
director and the principal see everything and dispatch; the district officer reads.
Preventive plans are the director's; workers do the checks (tasks). Special equipment is
managed by the director.
"""

from django.db.models import Q

from houqin.core.choices import Role as R
from houqin.core.rules import EVERYONE, MANAGERS, RULES, rule

WORKERS = MANAGERS | {R.WORKER}

RULES.update({
    # The school's repair times: shown on the school's page, changed like the school.
    "maintenance.maintenancesettings": RULES["core.school"],
    "maintenance.workorder": rule(EVERYONE, add=EVERYONE, change=MANAGERS, delete=()),
    # The event log is written only by services and read with its order.
    "maintenance.workorderevent": rule(EVERYONE),
    "maintenance.workorderpart": rule(WORKERS | {R.KEEPER, R.ACCOUNTANT}, add=WORKERS, change=(), delete=()),
    "maintenance.preventiveplan": rule(WORKERS, add=MANAGERS),
    "maintenance.preventivetask": rule(WORKERS, add=(), change=WORKERS, delete=()),
    "maintenance.specialequipment": rule(MANAGERS | {R.WORKER, R.CANTEEN}, add=MANAGERS, delete=MANAGERS),
    "maintenance.maintenancerecord": rule(MANAGERS | {R.WORKER, R.CANTEEN}, add=MANAGERS, change=(), delete=()),
    # Pages that are not one model's: the dispatch board and statistics, the worker's jobs.
    "maintenance.board": rule(MANAGERS),
    # Taking a step on a work order (start, finish, verify …): anyone in the school, never the
    # officer; the services then check that he is the assignee, the reporter or a manager.
    "maintenance.workorderstep": rule(EVERYONE, district=False),
    "maintenance.myjobs": rule(WORKERS, district=False),
})

# Roles that see every work order of the school (and the statistics).
SEES_ALL = MANAGERS | {R.DISTRICT_OFFICER}


def sees_all(roles):
    return bool(set(roles) & SEES_ALL)


def visible_orders(queryset, user, roles):
    """Narrow a school-scoped WorkOrder queryset: managers and the officer see all; anyone
    else his own reports and (a worker) the orders assigned to him."""
    if sees_all(roles):
        return queryset
    return queryset.filter(Q(reporter=user) | Q(worker__user=user))
