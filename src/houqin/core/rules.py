"""What each role may do, declared once. Pages, API and templates all ask `can()`.

Keys are model labels ("core.room"); actions are view / add / change / delete. The district
officer only ever reads (and signs approvals, which the approval policies govern).
"""

from .choices import SCHOOL_ROLES, Role

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
ACTIONS = (VIEW, ADD, CHANGE, DELETE)

R = Role
EVERYONE = frozenset(SCHOOL_ROLES)
MANAGERS = frozenset({R.PRINCIPAL, R.DIRECTOR})
OFFICE = MANAGERS | {R.KEEPER, R.ACCOUNTANT}


def rule(view, add=(), change=None, delete=None, district=True):
    """One row of the table. `change` and `delete` default to `add`."""
    view = frozenset(view) | ({R.DISTRICT_OFFICER} if district else set())
    add = frozenset(add)
    return {
        VIEW: view,
        ADD: add,
        CHANGE: add if change is None else frozenset(change),
        DELETE: add if delete is None else frozenset(delete),
    }


RULES = {
    "core.school": rule(EVERYONE, add=(), change=MANAGERS),
    "core.campus": rule(EVERYONE, add=MANAGERS),
    "core.building": rule(EVERYONE, add=MANAGERS),
    "core.term": rule(EVERYONE, add=MANAGERS),
    "core.room": rule(EVERYONE, add=MANAGERS),
    "core.schoolclass": rule(EVERYONE, add=MANAGERS),
    "core.person": rule(EVERYONE - {R.GUARD}, add=OFFICE - {R.KEEPER}),
    "core.certificate": rule(MANAGERS | {R.CANTEEN, R.ACCOUNTANT}, add=MANAGERS | {R.CANTEEN}),
    # Approvals are created by module services, never edited by hand; signing is governed by
    # the approval policy. Everyone may open the approvals he is concerned with.
    "core.approvalrequest": rule(EVERYONE),
    "core.attachment": rule(EVERYONE, add=EVERYONE, change=MANAGERS, delete=MANAGERS),
    # An import's job is seen only through its importer's pages, by who may add that model.
    "core.importjob": rule((), add=(), district=False),
    "core.notification": rule(EVERYONE, add=()),
    # Accounts and roles of the school; services.grant_role limits which roles each may grant.
    "core.membership": rule(MANAGERS, add=MANAGERS, change=(), delete=MANAGERS),
}


def can(roles, action, model):
    """True when any of `roles` may do `action` on `model` (a class, instance or label)."""
    label = model if isinstance(model, str) else model._meta.label_lower
    allowed = RULES.get(label, {}).get(action, frozenset())
    return bool(allowed & set(roles))


def perms_for(roles, model):
    """{"view": bool, "add": bool, ...} for templates."""
    return {action: can(roles, action, model) for action in ACTIONS}
