"""The home page: big shortcuts to the person's main jobs, then panels of "what this person
has to do today". Each app registers its own in its `home.py` (found through INSTALLED_APPS,
so a new app edits no core file): `@shortcut` functions return a list of Shortcut (primary
ones come first, as large buttons), `@panel` functions a Panel or None when there is nothing
for this person."""

import functools
from dataclasses import dataclass, field

from django.db.models import Count
from django.urls import reverse
from django.utils.module_loading import autodiscover_modules

from .approvals import inbox
from .choices import ApprovalStatus, Role
from .context_processors import unread_count
from .menu import menu_for
from .models import ApprovalRequest, Certificate, Notification, School
from .tenancy import scope

PANELS = []
SHORTCUTS = []


@dataclass
class Panel:
    title: str
    url: str
    count: int
    items: list = field(default_factory=list)  # (text, url, badge) tuples
    tone: str = "primary"


@dataclass(frozen=True)
class Shortcut:
    """A big touch target on the home page: the person's main job (报修, 派单 …)."""

    label: str
    url: str
    icon: str = "arrow-right-circle"
    primary: bool = False


def panel(func):
    PANELS.append(func)
    return func


def shortcut(func):
    SHORTCUTS.append(func)
    return func


@functools.cache
def _discover():
    autodiscover_modules("home")


def panels_for(request):
    _discover()
    return [p for p in (func(request) for func in PANELS) if p is not None]


def shortcuts_for(request):
    """Every app's shortcuts for this person, the primary ones first (each app's order kept)."""
    _discover()
    found = [s for func in SHORTCUTS for s in (func(request) or ())]
    return sorted(found, key=lambda s: not s.primary)


@panel
def what_i_can_do_panel(request):
    """The guard and the canteen manager, until their apps add their daily work: every page
    of their menu (generated from the rules), so the home says plainly what they can do."""

    if request.school is None or not set(request.roles) & {Role.GUARD, Role.CANTEEN}:
        return None
    items = [(str(i.label), reverse(i.url_name), "") for _title, section in menu_for(request.user, request.roles)
             for i in section if i.url_name != "core:home"]
    return Panel("今天可以办的事", reverse("core:home"), len(items), items, "primary")


@panel
def approvals_panel(request):
    pending = inbox(request.user, request.memberships).order_by("created_at")
    items = [(a.title, a.get_absolute_url(), a.school.name) for a in pending[:5]]
    if not items and not set(request.roles) & {Role.PRINCIPAL, Role.DIRECTOR, Role.DISTRICT_OFFICER}:
        return None  # who signs only now and then is not shown an empty inbox first
    return Panel("待我审批", reverse("core:approval_inbox"), pending.count(), items, "warning")


@panel
def certificates_panel(request):
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
    unread = Notification.objects.filter(recipient=request.user, read_at__isnull=True)
    items = [(n.title, n.url or reverse("core:notification_list"), "") for n in unread[:5]]
    return Panel("未读通知", reverse("core:notification_list"), unread_count(request), items, "info")


@panel
def district_panel(request):
    """The district officer's overview: each school with its open approvals."""
    if Role.DISTRICT_OFFICER not in request.roles:
        return None

    district_id = request.school.district_id
    pending = dict(
        ApprovalRequest.objects.filter(school__district_id=district_id, status=ApprovalStatus.PENDING)
        .values_list("school").annotate(n=Count("id"))
    )
    schools = School.objects.filter(district_id=district_id).order_by("code")
    items = [(s.name, reverse("core:school_detail", args=[s.pk]), f"待审批 {pending.get(s.pk, 0)}") for s in schools]
    return Panel("辖区学校", reverse("core:home"), len(items), items, "secondary")
