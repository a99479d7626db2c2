"""Who may do what with assets, added to the one rules table in core.

Everyone in the school may see the register, except that a teacher who holds no other role
sees only the holdings of his own rooms (the rooms he is responsible for and his class's
classroom). The director and the keeper manage; the principal approves (through the approval
policies); the district officer reads.
"""

from django.db.models import Q

from houqin.core.choices import Role as R
from houqin.core.models import Room
from houqin.core.rules import EVERYONE, MANAGERS, RULES, own_rows, rule, step

KEEPERS = MANAGERS | {R.KEEPER}

# Roles that see the whole register; anyone else sees only his own rooms' holdings.
SEES_ALL = EVERYONE - {R.TEACHER} | {R.DISTRICT_OFFICER}


def own_rooms_only(roles):
    return not (set(roles) & SEES_ALL)


def own_rooms(user):
    """The rooms a teacher answers for: those he is responsible for and his classes' rooms."""
    return Room.objects.filter(Q(responsible__user=user) | Q(classes__head_teacher__user=user)).values("pk")


def in_own_rooms(path):
    """Row visibility of a model whose rows are in the room at `path`."""
    return own_rows(SEES_ALL, lambda user: Q(**{f"{path}__in": own_rooms(user)}))


def answers_for(room, user):
    """True when `user` answers for the core Room `room`: its responsible person, or the head
    teacher of a class in it."""
    if room.responsible_id and room.responsible.user_id == user.pk:
        return True
    return room.classes.filter(head_teacher__user=user).exists()


def answers_for_stocktake_room(stocktake_room, user):
    return answers_for(stocktake_room.room, user)


# The room's responsible person signs whatever his role (e.g. the accountant for the finance
# office); the director signs any room.
STOCKTAKE_ROOM_STEPS = {
    "sign": step({R.DIRECTOR}, "签字", also=answers_for_stocktake_room,
                 refused="只有该房间的负责人（班主任）或总务主任可以签字"),
}

RULES.update({
    "assets.category": rule(EVERYONE),
    "assets.asset": rule(EVERYONE, add=KEEPERS, change=KEEPERS, delete=(), rows=in_own_rooms("room")),
    # The event ledger (明细帐) is written only by services; it is read with its asset.
    "assets.assetevent": rule(EVERYONE),
    "assets.loan": rule(EVERYONE - {R.GUARD}, add=KEEPERS, change=KEEPERS, delete=(), rows=in_own_rooms("asset__room")),
    "assets.compensation": rule(KEEPERS | {R.ACCOUNTANT, R.TEACHER}, add=KEEPERS, change=KEEPERS | {R.ACCOUNTANT},
                                delete=(), rows=in_own_rooms("asset__room")),
    "assets.scraprequest": rule(KEEPERS | {R.ACCOUNTANT}, add=KEEPERS, change=KEEPERS, delete=(),
                                rows=in_own_rooms("asset__room")),
    "assets.stocktake": rule(EVERYONE, add=KEEPERS, change=KEEPERS, delete=()),
    # Signing is the step `sign`; counting a room is the line's change right, a teacher only
    # in the rooms he answers for (the views' may_count), and the stocktake must be open.
    "assets.stocktakeroom": rule(EVERYONE, add=(), change=KEEPERS | {R.TEACHER}, delete=(), rows=in_own_rooms("room"),
                                 steps=STOCKTAKE_ROOM_STEPS),
    "assets.stocktakeline": rule(EVERYONE, add=KEEPERS | {R.TEACHER}, change=KEEPERS | {R.TEACHER}, delete=(),
                                 rows=in_own_rooms("stocktake_room__room")),
})
