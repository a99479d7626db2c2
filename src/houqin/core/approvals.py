"""The one approval and sign-off mechanism (审批、验收、签字) every module uses.

A module declares a Policy once — its steps, the roles that may sign each step, how many
distinct people must sign, amount thresholds read from the school's settings, and the people
who may not sign (the buyer may not accept his own goods) — and calls `request_approval` and
`sign`. The rules are data, not `if`s in views.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from .choices import ApprovalStatus, Decision, Role
from .models import ApprovalRequest, Membership, Notification, SignOff
from .services import notify
from .tenancy import roles_in


def always(school, amount):
    return True


def amount_at_least(threshold_field):
    """Applies when the amount is at least the school's threshold (e.g. 1000.00 needs the principal)."""

    def check(school, amount):
        return amount is not None and Decimal(amount) >= getattr(school, threshold_field)

    check.__doc__ = f"amount >= school.{threshold_field}"
    return check


def amount_above(threshold_field):
    """Applies when the amount is strictly above the school's threshold."""

    def check(school, amount):
        return amount is not None and Decimal(amount) > getattr(school, threshold_field)

    check.__doc__ = f"amount > school.{threshold_field}"
    return check


@dataclass(frozen=True)
class Step:
    label: str
    roles: frozenset
    signers: int = 1
    when: Callable = always


PRINCIPAL_STEP = Step("校长审批", frozenset({Role.PRINCIPAL}), when=amount_at_least("principal_threshold"))
DISTRICT_STEP = Step("勤办审批", frozenset({Role.DISTRICT_OFFICER}), when=amount_above("district_threshold"))


@dataclass(frozen=True)
class Policy:
    key: str
    label: str
    steps: tuple
    # Attributes of the subject naming users who may not sign (e.g. "buyer", "requested_by").
    not_signed_by: tuple = ()
    # Called inside the signing transaction: on_approved(subject, approval, by), same for rejected.
    on_approved: Callable | None = None
    on_rejected: Callable | None = None
    extra: dict = field(default_factory=dict)


def school_ladder(*, district, director="总务主任审核"):
    """The usual steps at a school: the director, then the principal from the school's
    threshold, then (with `district`) the district office above its threshold."""
    steps = (Step(director, frozenset({Role.DIRECTOR})), PRINCIPAL_STEP)
    return (*steps, DISTRICT_STEP) if district else steps


def sets_status(value, field="status"):
    """An on_approved / on_rejected callback that only sets the subject's `field` to `value`,
    on its row locked inside the signing transaction."""

    def callback(subject, approval, by):
        subject = type(subject).objects.select_for_update().get(pk=subject.pk)
        setattr(subject, field, value)
        subject.save(update_fields=[field, "updated_at"])

    return callback


POLICIES: dict[str, Policy] = {}

# Hooks another app registers without this module knowing it (finance: a purchase over what is
# left of its budget line needs the principal, and the approver sees the line's balance).
# A forcer `f(policy, subject, amount)` returns labels of the policy's steps that apply whatever
# their `when` says; a panel `f(approval, request)` returns {"title", "rows": [(label, value)],
# "warning"} for the approval page, or None.
STEP_FORCERS: list[Callable] = []
APPROVAL_PANELS: list[Callable] = []


def panels(approval, request):
    """The registered panels that have something to show on this approval's page."""
    return [shown for shown in (panel(approval, request) for panel in APPROVAL_PANELS) if shown]


def register(policy):
    if policy.key in POLICIES and POLICIES[policy.key] != policy:
        raise ValueError(f"approval policy {policy.key} registered twice")
    POLICIES[policy.key] = policy
    return policy


def _pipe(values):
    return "|" + "|".join(str(v) for v in values) + "|" if values else ""


def _barred_users(policy, subject, requested_by):
    ids = set()
    for attr in policy.not_signed_by:
        value = requested_by if attr == "requested_by" else getattr(subject, attr, None)
        values = value.all() if hasattr(value, "all") else [value]
        ids.update(v.pk for v in values if v is not None)
    return sorted(ids)


@transaction.atomic
def request_approval(subject, policy_key, *, by, amount=None, title=None):
    """Open an approval of `subject` under the policy; returns the ApprovalRequest.
    A subject with a pending approval under the same policy cannot get a second one."""
    policy = POLICIES[policy_key]
    school = subject.school
    forced = {label for forcer in STEP_FORCERS for label in forcer(policy, subject, amount)}
    steps = [
        {"label": s.label, "roles": sorted(s.roles), "signers": s.signers}
        for s in policy.steps if s.when(school, amount) or s.label in forced
    ]
    if not steps:
        raise ValidationError("没有适用的审批环节")

    content_type = ContentType.objects.get_for_model(subject)
    pending = ApprovalRequest.objects.filter(
        content_type=content_type, object_id=subject.pk, policy=policy_key, status=ApprovalStatus.PENDING
    )
    if pending.exists():
        raise ValidationError("该事项已有待审批的申请")
    approval = ApprovalRequest.objects.create(
        school=school, policy=policy_key, title=(title or f"{policy.label}：{subject}")[:200],
        amount=amount, content_type=content_type, object_id=subject.pk, steps=steps,
        awaiting=_pipe(steps[0]["roles"]), barred=_pipe(_barred_users(policy, subject, by)),
        requested_by=by,
    )
    _notify_signers(approval)
    return approval


def latest(subject, policy_key=None):
    """The subject's newest approval request (of that policy, when given), or None."""
    found = ApprovalRequest.objects.filter(content_type=ContentType.objects.get_for_model(subject),
                                           object_id=subject.pk)
    return (found.filter(policy=policy_key) if policy_key else found).order_by("-pk").first()


def latest_id(model):
    """The id of each row's newest approval request, for `.annotate(approval_id=latest_id(model))`."""
    found = ApprovalRequest.objects.filter(content_type=ContentType.objects.get_for_model(model),
                                           object_id=OuterRef("pk")).order_by("-pk").values("pk")[:1]
    return Subquery(found)


def signing_role(approval, user):
    """The role in which `user` may sign the current step, or raise PermissionDenied with why."""
    step = approval.current_step
    if step is None:
        raise ValidationError("该审批已办结，不能再签字")
    if approval.barred and f"|{user.pk}|" in approval.barred:
        raise PermissionDenied("按规定您须回避，不能为此事项签字（如采购人不能验收自己采购的物品）")
    if SignOff.objects.filter(approval=approval, step=approval.step, user=user).exists():
        raise PermissionDenied("您已在本环节签过字，须由另一人签字")
    held = roles_in(user, approval.school)
    for role in step["roles"]:
        if role in held:
            return Role(role)
    names = "、".join(Role(r).label for r in step["roles"])
    raise PermissionDenied(f"本环节（{step['label']}）须由{names}签字")


@transaction.atomic
def sign(approval, *, by, decision, comment=""):
    """Record a signature on the current step and move the approval on. Returns the SignOff."""
    approval = ApprovalRequest.objects.select_for_update().get(pk=approval.pk)
    decision = Decision(decision)
    if decision == Decision.REJECT and not comment.strip():
        raise ValidationError("不同意时须写明理由")
    role = signing_role(approval, by)
    step = approval.current_step
    try:
        with transaction.atomic():
            signoff = SignOff.objects.create(
                approval=approval, school=approval.school, step=approval.step, step_label=step["label"],
                user=by, role=role, decision=decision, comment=comment.strip(),
            )
    except IntegrityError:
        raise PermissionDenied("您已在本环节签过字，须由另一人签字")
    policy = POLICIES[approval.policy]
    if decision == Decision.REJECT:
        _finish(approval, ApprovalStatus.REJECTED, policy.on_rejected, by)
    elif approval.signoffs.filter(step=approval.step, decision=Decision.APPROVE).count() >= step["signers"]:
        if approval.step + 1 < len(approval.steps):
            approval.step += 1
            approval.awaiting = _pipe(approval.steps[approval.step]["roles"])
            approval.save(update_fields=["step", "awaiting", "updated_at"])
            _settle_sign_prompts(approval)
            _notify_signers(approval)
        else:
            _finish(approval, ApprovalStatus.APPROVED, policy.on_approved, by)
    else:  # the step waits for another signer: only this one's prompt is answered
        _settle_sign_prompts(approval, signer=by)
    return signoff


@transaction.atomic
def withdraw(approval, *, by):
    approval = ApprovalRequest.objects.select_for_update().get(pk=approval.pk)
    if approval.status != ApprovalStatus.PENDING:
        raise ValidationError("该审批已办结，不能撤回")
    if approval.requested_by_id != by.pk:
        raise PermissionDenied("只有申请人可以撤回")
    approval.status, approval.awaiting, approval.decided_at = ApprovalStatus.WITHDRAWN, "", timezone.now()
    approval.save(update_fields=["status", "awaiting", "decided_at", "updated_at"])
    _settle_sign_prompts(approval)


def _finish(approval, status, callback, by):
    approval.status, approval.awaiting, approval.decided_at = status, "", timezone.now()
    approval.save(update_fields=["status", "awaiting", "decided_at", "updated_at"])
    _settle_sign_prompts(approval)
    if callback:
        callback(approval.subject, approval, by)

    notify([approval.requested_by], school=approval.school,
           title=f"{approval.title}：{approval.get_status_display()}", url=approval.get_absolute_url())


SIGN_PROMPT = "待您审批："


def _settle_sign_prompts(approval, signer=None):
    """Mark the 待您审批 notices of an approval read once they ask for nothing more: the
    signer's own as soon as he has signed, everyone's when the step is complete or the
    approval has ended — so the unread count shows only what still needs doing."""
    notices = Notification.objects.filter(school=approval.school, url=approval.get_absolute_url(),
                                          title__startswith=SIGN_PROMPT, read_at__isnull=True)
    if signer is not None:
        notices = notices.filter(recipient=signer)
    notices.update(read_at=timezone.now())


def _notify_signers(approval):
    roles = approval.steps[approval.step]["roles"]
    members = Membership.objects.filter(
        Q(school=approval.school) | Q(district_id=approval.school.district_id, role=Role.DISTRICT_OFFICER),
        role__in=roles,
    ).exclude(user_id__in=[int(x) for x in approval.barred.strip("|").split("|") if x])
    users = {m.user for m in members.select_related("user")}
    notify(users, school=approval.school, title=f"{SIGN_PROMPT}{approval.title}", url=approval.get_absolute_url())


def inbox(user, held=None):
    """Pending approvals the user can sign now (待我审批), across all his schools; `held`, his
    memberships when the request has read them already."""
    q = Q()
    held = Membership.objects.filter(user=user) if held is None else held
    for school_id, district_id, role in ((m.school_id, m.district_id, m.role) for m in held):
        scope = Q(school__district_id=district_id) if role == Role.DISTRICT_OFFICER else Q(school_id=school_id)
        q |= scope & Q(awaiting__contains=f"|{role}|")
    if not q:
        return ApprovalRequest.objects.none()
    signed = SignOff.objects.filter(approval=OuterRef("pk"), step=OuterRef("step"), user=user)
    return (
        ApprovalRequest.objects.filter(q, status=ApprovalStatus.PENDING)
        .exclude(barred__contains=f"|{user.pk}|")
        .exclude(Exists(signed))
        .select_related("school", "requested_by")
    )
