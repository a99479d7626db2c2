"""The home page is a list of panels: "what this person has to do today". Each module
registers its own panels; a panel returns None when it has nothing for this person."""

from dataclasses import dataclass, field

from django.urls import reverse

from .choices import Role
from .tenancy import scope

PANELS = []


@dataclass
class Panel:
    title: str
    url: str
    count: int
    items: list = field(default_factory=list)  # (text, url, badge) tuples
    tone: str = "primary"


def panel(func):
    PANELS.append(func)
    return func


def panels_for(request):
    return [p for p in (func(request) for func in PANELS) if p is not None]


@panel
def approvals_panel(request):
    from .approvals import inbox

    pending = inbox(request.user).order_by("created_at")
    items = [(a.title, a.get_absolute_url(), a.school.name) for a in pending[:5]]
    return Panel("待我审批", reverse("core:approval_inbox"), pending.count(), items, "warning")


@panel
def certificates_panel(request):
    from .models import Certificate

    if request.school is None or not set(request.roles) & {Role.PRINCIPAL, Role.DIRECTOR, Role.CANTEEN,
                                                           Role.DISTRICT_OFFICER}:
        return None
    due = scope(Certificate.objects.all(), request.school).expiring().select_related("person")
    items = [(f"{c.person.name} · {c.get_kind_display()} · {c.expires_on:%Y-%m-%d}",
              reverse("core:certificate_detail", args=[c.pk]), "已过期" if c.state == "expired" else "将到期")
             for c in due[:8]]
    return Panel("证件已过期或30天内到期", reverse("core:certificate_list") + "?expiring=true", due.count(),
                 items, "danger" if items else "success")


@panel
def notifications_panel(request):
    from .models import Notification

    unread = Notification.objects.filter(recipient=request.user, read_at__isnull=True)
    items = [(n.title, n.url or reverse("core:notification_list"), "") for n in unread[:5]]
    return Panel("未读通知", reverse("core:notification_list"), unread.count(), items, "info")


@panel
def district_panel(request):
    """The district officer's overview: each school with its open approvals."""
    if Role.DISTRICT_OFFICER not in request.roles:
        return None
    from django.db.models import Count

    from .choices import ApprovalStatus
    from .models import ApprovalRequest, School

    district_id = request.school.district_id
    pending = dict(
        ApprovalRequest.objects.filter(school__district_id=district_id, status=ApprovalStatus.PENDING)
        .values_list("school").annotate(n=Count("id"))
    )
    schools = School.objects.filter(district_id=district_id).order_by("code")
    items = [(s.name, reverse("core:school_detail", args=[s.pk]), f"待审批 {pending.get(s.pk, 0)}") for s in schools]
    return Panel("辖区学校", reverse("core:home"), len(items), items, "secondary")
