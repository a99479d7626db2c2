"""Who may do what with assets, added to the one rules table in core.

Everyone in the school may see the register, except that a teacher who holds no other role
sees only the holdings of his own rooms (the rooms he is responsible for and his class's
classroom). The director and the keeper manage; the principal approves (through the approval
policies); the district officer reads.
"""

from django.db.models import Q

from houqin.core.choices import Role as R
from houqin.core.rules import EVERYONE, MANAGERS, RULES, rule

KEEPERS = MANAGERS | {R.KEEPER}

RULES.update({
    "assets.category": rule(EVERYONE),
    "assets.asset": rule(EVERYONE, add=KEEPERS, change=KEEPERS, delete=()),
    # The event ledger (明细帐) is written only by services; it is read with its asset.
    "assets.assetevent": rule(EVERYONE),
    "assets.loan": rule(EVERYONE - {R.GUARD}, add=KEEPERS, change=KEEPERS, delete=()),
    "assets.compensation": rule(KEEPERS | {R.ACCOUNTANT, R.TEACHER}, add=KEEPERS, change=KEEPERS | {R.ACCOUNTANT},
                                delete=()),
    "assets.scraprequest": rule(KEEPERS | {R.ACCOUNTANT}, add=KEEPERS, change=KEEPERS, delete=()),
    "assets.stocktake": rule(EVERYONE, add=KEEPERS, change=KEEPERS, delete=()),
    # Counting and signing are governed by services.may_sign_room and the stocktake's state.
    "assets.stocktakeroom": rule(EVERYONE, add=(), change=KEEPERS | {R.TEACHER}, delete=()),
    "assets.stocktakeline": rule(EVERYONE, add=KEEPERS | {R.TEACHER}, change=KEEPERS | {R.TEACHER}, delete=()),
})

# Roles that see the whole register; anyone else sees only his own rooms' holdings.
SEES_ALL = EVERYONE - {R.TEACHER} | {R.DISTRICT_OFFICER}


def own_rooms_only(roles):
    return not (set(roles) & SEES_ALL)


def visible_assets(queryset, user, roles):
    """Narrow an already school-scoped Asset queryset to what these roles may see."""
    if not own_rooms_only(roles):
        return queryset
    return queryset.filter(Q(room__responsible__user=user) | Q(room__classes__head_teacher__user=user)).distinct()
