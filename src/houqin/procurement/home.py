"""Home-page panel: supplier licences expired or expiring within 30 days (索证)."""

from django.urls import reverse

from houqin.core.choices import Role
from houqin.core.home import Panel, panel
from houqin.core.rules import visible
from houqin.core.tenancy import scope

from .choices import OrderStatus, RequestStatus
from .models import Licence, PurchaseOrder, PurchaseRequest
from .rules import BUYERS, RECEIVERS

WARNED = {Role.BUYER, Role.KEEPER, Role.DIRECTOR}


@panel
def licences_panel(request):
    if request.school is None or not set(request.roles) & WARNED:
        return None
    due = scope(Licence.objects.all(), request.school).expiring().select_related("supplier")
    items = []
    for lic in due[:8]:
        days = lic.days_left()
        badge = f"已过期{-days}天" if days < 0 else f"{days}天后到期"
        items.append((f"{lic.supplier.name} · {lic.get_kind_display()} · {lic.expires_on:%Y-%m-%d}",
                      lic.get_absolute_url(), badge))
    return Panel("供应商证照已过期或30天内到期", reverse("procurement:licence_list") + "?expiring=true",
                 due.count(), items, "danger" if items else "success")


@panel
def requests_to_order_panel(request):
    """The buyer's approved requests with no order yet (已批准待下单)."""

    if request.school is None or not set(request.roles) & BUYERS:
        return None
    approved = visible(PurchaseRequest.objects.all(), request).filter(status=RequestStatus.APPROVED)
    rows = list(approved.order_by("submitted_at")[:8])
    if not rows:
        return None
    items = [(f"{r.number} {r.title}", r.get_absolute_url(), f"{r.amount} 元") for r in rows]
    return Panel("待下单的采购申请", reverse("procurement:purchaserequest_list") + f"?status={RequestStatus.APPROVED}",
                 approved.count(), items, "warning")


@panel
def deliveries_panel(request):
    """Orders placed and not yet accepted: the deliveries the keeper (and the other receivers)
    are to accept (验收)."""

    if request.school is None or not set(request.roles) & (RECEIVERS - {Role.BUYER}):
        return None
    open_orders = (visible(PurchaseOrder.objects.all(), request).select_related("supplier")
                   .filter(status__in=[OrderStatus.PLACED, OrderStatus.ACCEPTING]))
    rows = list(open_orders.order_by("deliver_by", "ordered_on")[:8])
    if not rows:
        return None
    items = [(f"{o.number} {o.supplier.name}", o.get_absolute_url(), o.get_status_display()) for o in rows]
    return Panel("待验收的送货", reverse("procurement:purchaseorder_list"), open_orders.count(), items, "warning")
