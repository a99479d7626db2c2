"""Home-page shortcuts and panels of the stock app: 领用 for everyone; the keeper's
requisitions to issue and the items below their reorder level; the requester's supplies
waiting for his signature (签收)."""

from django.db.models import F
from django.urls import reverse

from houqin.core.home import Panel, Shortcut, panel, shortcut
from houqin.core.rules import can, visible

from .choices import RequisitionStatus as S
from .models import Requisition, StockBalance
from .rules import KEEPERS


@shortcut
def stock_shortcuts(request):
    if request.school is None or not can(request.roles, "add", "stock.requisition"):
        return []
    return [Shortcut("领用", reverse("stock:requisition_add"), "cart-check")]


@panel
def to_issue_panel(request):
    """The keeper's requisitions approved and waiting for their goods (待发放、部分发放)."""
    if request.school is None or not set(request.roles) & KEEPERS:
        return None

    waiting = visible(Requisition.objects.all(), request).filter(status__in=[S.APPROVED, S.PARTLY_ISSUED])
    rows = list(waiting.order_by("submitted_at")[:8])
    if not rows:
        return None
    items = [(f"{r.number} {r.department or r.purpose}", r.get_absolute_url(), r.get_status_display()) for r in rows]
    return Panel("待发放的领用单", reverse("stock:requisition_list") + f"?status={S.APPROVED}", waiting.count(),
                 items, "warning")


@panel
def low_stock_panel(request):
    """Items of a warehouse below their reorder level (最低库存)."""
    if request.school is None or not set(request.roles) & KEEPERS:
        return None

    low = (visible(StockBalance.objects.all(), request).select_related("item", "warehouse")
           .filter(item__reorder_level__gt=0, quantity__lt=F("item__reorder_level")))
    rows = list(low[:8])
    if not rows:
        return None
    items = [(f"{b.item.name} · {b.warehouse.name}", b.item.get_absolute_url(), f"余 {b.quantity.normalize():f}")
             for b in rows]
    return Panel("低于最低库存", reverse("stock:stockbalance_list"), low.count(), items, "danger")


@panel
def to_sign_panel(request):
    """The requester's issued supplies waiting for his signature (已发放待签收)."""
    if request.school is None:
        return None

    mine = visible(Requisition.objects.all(), request).filter(requested_by=request.user, status=S.ISSUED)
    rows = list(mine.order_by("-submitted_at")[:6])
    if not rows:
        return None
    items = [(f"{r.number} {r.purpose}", r.get_absolute_url(), r.get_status_display()) for r in rows]
    return Panel("待我签收的领用", reverse("stock:requisition_list"), mine.count(), items, "warning")
