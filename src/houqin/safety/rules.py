"""Who may do what in safety, added to the one rules table in core.

Hazards (隐患): anyone in the school reports one and sees his own reports and the ones he is
to rectify; the director and the principal see all, assign and edit; the district officer
reads. The rectification is recorded by the person it was assigned to (or a manager); the
re-check is taken by a manager or the reporter — and, whoever he is, never by the person who
assigned or rectified it (services.recheck says so: the rule of the different re-checker).

The gate log (门卫登记) is the guards': they log people and vehicles in and out; the managers
may do the same and correct a record; the principal and the district officer read it.
"""

from django.db.models import Q

from houqin.core.choices import Role as R
from houqin.core.rules import EVERYONE, MANAGERS, RULES, own_rows, rule, step

SEES_ALL = MANAGERS | {R.DISTRICT_OFFICER}
GATE = MANAGERS | {R.GUARD}


def assignee(hazard, user):
    return bool(hazard.assignee_id and hazard.assignee.user_id == user.pk)


def reporter(hazard, user):
    return hazard.reported_by_id == user.pk


HAZARD_STEPS = {
    "assign": step(MANAGERS, "指派隐患整改"),
    "rectify": step(MANAGERS, "登记整改", also=assignee, refused="只有整改责任人（或总务主任、校长）可以登记整改"),
    "recheck": step(MANAGERS, "复查销号", also=reporter, refused="只有报告人或总务主任、校长可以复查"),
}

RULES.update({
    "safety.safetysettings": RULES["core.school"],
    "safety.hazard": rule(EVERYONE, add=EVERYONE, change=MANAGERS, delete=(), steps=HAZARD_STEPS,
                          rows=own_rows(SEES_ALL, lambda user: Q(reported_by=user) | Q(assignee__user=user))),
    # The trail is written only by services and read with its hazard.
    "safety.hazardevent": rule(EVERYONE),
    "safety.gateentry": rule(GATE, add=GATE, change=GATE, delete=(),
                             steps={"log": step(GATE, "门卫登记"), "leave": step(GATE, "登记离校")}),
})

# Patrols (巡查): the guards walk them, the managers keep the checklists and routes; the
# district officer reads. A patrol's results are written by its walk and read with it.
PATROLLERS = MANAGERS | {R.GUARD}

RULES.update({
    "safety.checkitem": rule(PATROLLERS, add=MANAGERS),
    "safety.patrolroute": rule(PATROLLERS, add=MANAGERS),
    "safety.patrol": rule(PATROLLERS, add=(), change=(), delete=(), steps={"walk": step(PATROLLERS, "巡查")}),
    "safety.patrolresult": rule(PATROLLERS),
})

# Fire equipment (消防器材): the managers keep the register; the guards (and the managers) do
# the monthly checks; the district officer reads.
RULES.update({
    "safety.fireequipment": rule(PATROLLERS, add=MANAGERS),
    "safety.firecheck": rule(PATROLLERS, add=(), change=(), delete=(),
                             steps={"check": step(PATROLLERS, "检查消防器材")}),
})

# Drills and training (演练与培训): the managers plan and record them; everyone reads.
RULES.update({
    "safety.drill": rule(EVERYONE, add=MANAGERS),
    "safety.training": rule(EVERYONE, add=MANAGERS),
})
