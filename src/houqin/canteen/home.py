"""Home-page panel of the canteen app: the food-safety records missing or failed."""

from django.urls import reverse
from django.utils import timezone

from houqin.core.choices import Role
from houqin.core.home import Panel, panel


@panel
def food_safety_panel(request):
    """食品安全记录缺失: the serving days of the last two weeks with a record missing or failed
    once its meal is over — for the director, the principal and the canteen manager."""
    if request.school is None or not set(request.roles) & {Role.PRINCIPAL, Role.DIRECTOR, Role.CANTEEN}:
        return None
    from . import board

    gaps = board.recent_gaps(request.school, timezone.localdate())
    if not gaps:
        return None
    url = reverse("canteen:board")
    items = [(f"{day.date:%m-%d} {'、'.join(e.title for e in entries)}", f"{url}?date={day.date}",
              "不合格" if all(e.status == "failed" for e in entries) else "缺记录")
             for day, entries in reversed(gaps)]
    return Panel("食品安全记录缺失", url, sum(len(entries) for _day, entries in gaps), items[:8], "danger")
