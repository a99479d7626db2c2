"""What each role may do, declared once. Pages, API and templates all ask `can()`; services
ask `require()`; the page and API bases narrow every queryset with `visible()`.

Keys are model labels ("core.room"); actions are view / add / change / delete, and the
model's named steps (issue, dispatch, verify …). A row of the table may also say which rows
of its model a user sees (`rows`) and whether its rows take attachments. The district
officer only ever reads (and signs approvals, which the approval policies govern).
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from .choices import SCHOOL_ROLES, Role
from .tenancy import is_school_owned, roles_in, scope

VIEW, ADD, CHANGE, DELETE = "view", "add", "change", "delete"
ACTIONS = (VIEW, ADD, CHANGE, DELETE)
ROWS, ATTACHMENTS = "rows", "attachments"  # the row's visibility and whether it takes attachments

R = Role
EVERYONE = frozenset(SCHOOL_ROLES)
MANAGERS = frozenset({R.PRINCIPAL, R.DIRECTOR})
OFFICE = MANAGERS | {R.KEEPER, R.ACCOUNTANT}


@dataclass(frozen=True)
class Step:
    """A named step on a model's rows. `roles` take it on any row; `also(row, user)`, when
    given, names the one person who takes it on a given row whatever his roles (the assignee,
    the reporter himself). `what` completes the refusal "只有…可以{what}"; `refused` replaces
    that refusal when it would not say who may."""

    roles: frozenset
    what: str
    also: Callable | None = None
    refused: str = ""

    def refusal(self):
        if self.refused:
            return self.refused
        return f"只有{'、'.join(Role(r).label for r in sorted(self.roles))}可以{self.what}"


def step(roles, what, *, also=None, refused=""):
    return Step(frozenset(roles), what, also, refused)


def own_rows(sees_all, mine):
    """Row visibility: the `sees_all` roles see every row; anyone else the rows that
    `mine(user)` (a Q) selects."""
    sees_all = frozenset(sees_all)

    def rows(user, roles):
        return None if sees_all & roles else mine(user)

    return rows


def rule(view, add=(), change=None, delete=None, district=True, rows=None, steps=None, attachments=True):
    """One row of the table. `change` and `delete` default to `add`. `rows(user, roles)` gives
    a Q narrowing what he sees, or None for all (see own_rows); `steps` {name: step(...)};
    `attachments=False` for a model whose rows take no attachments."""
    view = frozenset(view) | ({R.DISTRICT_OFFICER} if district else set())
    add = frozenset(add)
    return {
        VIEW: view,
        ADD: add,
        CHANGE: add if change is None else frozenset(change),
        DELETE: add if delete is None else frozenset(delete),
        ROWS: rows,
        ATTACHMENTS: attachments,
        **(steps or {}),
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
    "core.attachment": rule(EVERYONE, add=EVERYONE, change=MANAGERS, delete=MANAGERS, attachments=False),
    # An import's job is seen only through its importer's pages, by who may add that model.
    "core.importjob": rule((), add=(), district=False, attachments=False),
    # A background export: each sees his own (the file holds what his roles could see then).
    "core.exportjob": rule(EVERYONE, add=(), change=(), delete=(), attachments=False,
                           rows=own_rows((), lambda user: Q(by=user))),
    "core.notification": rule(EVERYONE, add=()),
    # Accounts and roles of the school; services.grant_role limits which roles each may grant.
    "core.membership": rule(MANAGERS, add=MANAGERS, change=(), delete=MANAGERS),
}


def _label(model):
    return model if isinstance(model, str) else model._meta.label_lower


def can(roles, action, model):
    """True when any of `roles` may do `action` (view / add / change / delete or a step) on
    `model` (a class, instance or label). A step with an `also` person is open to every role
    of the school here, since anyone may be that person on some row; `may` decides per row."""
    allowed = RULES.get(_label(model), {}).get(action, frozenset())
    if isinstance(allowed, Step):
        allowed = allowed.roles | (EVERYONE if allowed.also else frozenset())
    return bool(allowed & set(roles))


def _step(name, obj):
    declared = RULES[_label(obj)].get(name)
    if not isinstance(declared, Step):
        raise LookupError(f"{_label(obj)} declares no step {name!r}")
    return declared


def may(user, roles, step_name, obj):
    """True when `user` with `roles` may take the step on `obj` (for showing its button)."""
    declared = _step(step_name, obj)
    return bool(declared.roles & set(roles)) or bool(declared.also and declared.also(obj, user))


def require(by, step_name, obj):
    """Raise PermissionDenied, in Chinese, unless `by` may take the step on `obj`. His roles
    are those he holds in obj's school, found here and never taken from the caller, so a
    service that asks this fails closed."""
    if not may(by, roles_in(by, obj.school), step_name, obj):
        raise PermissionDenied(_step(step_name, obj).refusal())


def visible(queryset, request):
    """The rows of `queryset` that the request's user may see: the active school's
    (tenancy.scope), narrowed by the model's `rows` for his roles there. The page and API
    bases ask this, and so do attachments: no view narrows by hand."""
    queryset = scope(queryset, request.school)
    rows = RULES.get(_label(queryset.model), {}).get(ROWS)
    narrowed = rows(request.user, frozenset(request.roles)) if rows else None
    return queryset if narrowed is None else queryset.filter(narrowed)


def takes_attachments(model):
    """School-owned models of the table take attachments unless their row says not."""
    return bool(RULES.get(_label(model), {}).get(ATTACHMENTS)) and is_school_owned(model)


# Who oversees the whole school and so finds every page he may read in his menu.
OVERSEERS = MANAGERS | {R.ACCOUNTANT, R.DISTRICT_OFFICER}


def works_on(user, roles, model):
    """True when `model` is part of the work of `user` with `roles`, so that its page belongs
    in his menu: he may add, change or delete its rows or take one of its steps (a step open
    only to "the person on the row" does not count), the table names him among its readers (a
    view narrower than the whole school), he sees only his own rows of it, or he oversees the
    school. Everyone may read the school's rooms; only who keeps them finds 房间 in his menu."""
    roles = set(roles)
    row = RULES.get(_label(model), {})
    if not row.get(VIEW, frozenset()) & roles:
        return False
    if roles & OVERSEERS or any(row.get(a, frozenset()) & roles for a in (ADD, CHANGE, DELETE)):
        return True
    if any(isinstance(s, Step) and s.roles & roles for s in row.values()):
        return True
    named_reader = not row[VIEW] >= EVERYONE
    own_rows_only = row.get(ROWS) is not None and row[ROWS](user, frozenset(roles)) is not None
    return named_reader or own_rows_only


# Who reads staff phone numbers and certificate numbers when the school has not opened them.
CONTACT_READERS = OFFICE | {R.DISTRICT_OFFICER}


def sees_staff_contacts(roles, school):
    """True when a person with `roles` may read colleagues' phone and certificate numbers in
    `school`: the office always, everyone once the school opens them (School.staff_contacts_open)."""
    return bool(set(roles) & CONTACT_READERS) or bool(school is not None and school.staff_contacts_open)


def perms_for(roles, model):
    """{"view": bool, "add": bool, ...} for templates."""
    return {action: can(roles, action, model) for action in ACTIONS}
