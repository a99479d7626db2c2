"""Home-page panel of the assets app: the teacher's own rooms' holdings (his classroom and
the rooms he answers for)."""

from django.urls import reverse

from houqin.core.home import Panel, panel
from houqin.core.rules import visible

from .models import Asset
from .rules import own_rooms_only


@panel
def my_assets_panel(request):
    if request.school is None or not own_rooms_only(request.roles):
        return None

    mine = visible(Asset.objects.all(), request).select_related("room__building").order_by("room__name", "tag")
    rows = list(mine[:8])
    if not rows:
        return None
    items = [(f"{a.name} · {a.room}", a.get_absolute_url(), a.get_status_display()) for a in rows]
    return Panel("我班级和负责房间的资产", reverse("assets:asset_list"), mine.count(), items, "secondary")
