"""Pages of the assets app: QR labels.

`labels/` prints an A4 sheet of labels (3 × 8 a page, Avery L7159 layout) for any selection
of assets: `?ids=1,2,3`, or the asset list's own filters (`?room=5`, `?q=tyj` …). Each label
carries an inline SVG QR code made on the server (segno), the tag, the name and the school.
The QR code holds the absolute URL of `scan/<tag>/`, the landing page a phone opens: after
login it finds the tag in the active school and goes to the asset's page, with 报修 and 盘点
at hand."""

from functools import lru_cache

import segno
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.views import View

from houqin.core.rules import ADD, CHANGE, VIEW, can, visible
from houqin.core.tenancy import scope
from houqin.core.views.generic import SchoolScopedMixin

from ..choices import StocktakeStatus
from ..filtersets import AssetFilterSet
from ..models import Asset, StocktakeLine, StocktakeRoom

LABELS_PER_PAGE = 24  # 3 columns × 8 rows
MAX_LABELS = 1000
# With no filter (the whole register) a sheet is printed in batches of 10 A4 pages: a school
# of 1,000 assets does not wait for 42 pages it did not ask for.
UNFILTERED_BATCH = 10 * LABELS_PER_PAGE
SELECTING = {"ids", *AssetFilterSet.base_filters}


@lru_cache(maxsize=4096)
def qr_svg(url):
    """An inline <svg> QR code of `url`, sized by CSS (no width/height, a viewBox). The mask
    pattern is fixed: choosing the best of the eight costs 5× the time (7 ms a code, 2 s for a
    sheet of 300) for no difference a phone notices; any mask is a valid code."""
    code = segno.make(url, error="m", micro=False, mask=0)
    return code.svg_inline(scale=1, border=2, omitsize=True, dark="#000")


def _selection(request):
    """The assets the user asked labels for, among those he may see. Raises ValueError with a
    message in Chinese for a malformed request."""
    queryset = visible(Asset.objects.all(), request)
    ids = request.GET.get("ids", "").strip()
    if ids:
        try:
            wanted = {int(part) for part in ids.split(",") if part.strip()}
        except ValueError:
            raise ValueError("ids 须为以逗号分隔的资产编号，如 ids=1,2,3") from None
        queryset = queryset.filter(pk__in=wanted)
    else:
        filterset = AssetFilterSet(request.GET, queryset=queryset, request=request)
        if not filterset.is_valid():
            labels = {name: f.label or name for name, f in filterset.filters.items()}
            errors = "；".join(f"{labels.get(k, k)}：{'，'.join(v)}" for k, v in filterset.errors.items())
            raise ValueError(f"筛选条件有误（{errors}）")
        queryset = filterset.qs
    return queryset.select_related("room").order_by("room__name", "tag", "pk")


class LabelSheetView(SchoolScopedMixin, View):
    """A printable A4 sheet of QR labels for the selected assets."""

    model = Asset
    action = VIEW

    def get(self, request):
        try:
            queryset = _selection(request)
        except ValueError as error:
            return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
        filtered = any(request.GET.get(key) for key in SELECTING)
        batch = MAX_LABELS if filtered else UNFILTERED_BATCH
        number = _batch_number(request)
        start = (number - 1) * batch
        assets = list(queryset.only("id", "tag", "name", "room__name")[start:start + batch + 1])
        more = len(assets) > batch
        truncated = more and filtered
        assets = assets[:batch]
        labels = [{"tag": a.tag, "name": a.name, "room": a.room.name,
                   "qr": qr_svg(request.build_absolute_uri(reverse("assets:scan", args=[a.tag])))} for a in assets]
        pages = [labels[i:i + LABELS_PER_PAGE] for i in range(0, len(labels), LABELS_PER_PAGE)]
        return render(request, "assets/label_sheet.html", {
            "pages": pages, "count": len(labels), "truncated": truncated, "max_labels": MAX_LABELS,
            "school": request.school, "batch": number, "batch_size": batch,
            "next_batch": _batch_url(request, number + 1) if more and not filtered else None,
            "previous_batch": _batch_url(request, number - 1) if number > 1 else None,
        })


def _batch_number(request):
    value = request.GET.get("batch", "1")
    return int(value) if value.isdigit() and int(value) > 0 else 1


def _batch_url(request, number):
    query = request.GET.copy()
    query["batch"] = number
    return f"{request.path}?{query.urlencode()}"


def stocktake_link(request, asset):
    """The counting page of an open stocktake that includes the asset's room, when the user
    may count and that page exists; else None."""
    if not can(request.roles, CHANGE, StocktakeLine):
        return None
    found = (StocktakeRoom.objects.filter(school=asset.school, room_id=asset.room_id,
                                          stocktake__status=StocktakeStatus.OPEN, signed_at__isnull=True)
             .select_related("stocktake").order_by("-stocktake__opened_at").first())
    if found is None:
        return None
    for name in ("assets:stocktake_room", "assets:stocktakeroom_detail"):
        try:
            return {"url": reverse(name, args=[found.pk]), "name": found.stocktake.name}
        except NoReverseMatch:
            continue
    return None


def scan_actions(request, asset):
    """Context for assets/scan_actions.html: what a phone that scanned a label can do next.
    The asset's detail page may include the same fragment."""
    return {"asset": asset, "stocktake": stocktake_link(request, asset),
            "repair_url": (reverse("maintenance:workorder_add") + f"?asset={asset.pk}"
                           if can(request.roles, ADD, "maintenance.workorder") else None)}


class ScanView(LoginRequiredMixin, View):
    """Where a scanned label leads: the asset of that tag in the active school."""

    def get(self, request, tag):
        if request.school is None:
            raise PermissionDenied("您还没有加入任何学校，请联系管理员")
        if not can(request.roles, VIEW, Asset):
            raise PermissionDenied("您的角色无权查看资产")
        asset = (scope(Asset.objects.filter(tag=tag), request.school)
                 .select_related("room", "custodian", "category", "school").first())
        if asset is None:
            mine = [s.pk for s in getattr(request, "my_schools", ()) if s.pk != request.school.pk]
            elsewhere = Asset.objects.filter(school__in=mine, tag=tag).select_related("school").first()
            if elsewhere is None:
                raise Http404("没有找到该资产标签")
            return render(request, "assets/scan_other_school.html", {
                "tag": tag, "owner": elsewhere.school, "active": request.school})
        if not visible(Asset.objects.filter(pk=asset.pk), request).exists():
            raise PermissionDenied("该资产不在您负责的房间，无权查看")
        try:
            return redirect(reverse("assets:asset_detail", args=[asset.pk]))
        except NoReverseMatch:
            return render(request, "assets/scan.html", scan_actions(request, asset))


urlpatterns = [
    path("labels/", LabelSheetView.as_view(), name="labels"),
    path("scan/<path:tag>/", ScanView.as_view(), name="scan"),
]
