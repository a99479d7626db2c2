"""Home-page panel of the canteen app: the food-safety records missing or failed."""

import datetime

from django.urls import reverse
from django.utils import timezone

from houqin.core.choices import Role
from houqin.core.home import Panel, panel

from . import board, services


@panel
def food_safety_panel(request):
    """食品安全记录缺失: the serving days of the last two weeks with a record missing or failed
    once its meal is over — for the director, the principal and the canteen manager."""
    if request.school is None or not set(request.roles) & {Role.PRINCIPAL, Role.DIRECTOR, Role.CANTEEN}:
        return None

    gaps = board.recent_gaps(request.school, timezone.localdate())
    if not gaps:
        return None
    url = reverse("canteen:board")
    items = [(f"{day.date:%m-%d} {'、'.join(e.title for e in entries)}", f"{url}?date={day.date}",
              "不合格" if all(e.status == "failed" for e in entries) else "缺记录")
             for day, entries in reversed(gaps)]
    return Panel("食品安全记录缺失", url, sum(len(entries) for _day, entries in gaps), items[:8], "danger")


@panel
def menu_panel(request):
    """下周带量食谱未公示: once the week before is closer than the school's days ahead (提前一周
    公示) and next week's menu is not published — for the canteen manager and the managers."""
    if request.school is None or not set(request.roles) & {Role.PRINCIPAL, Role.DIRECTOR, Role.CANTEEN}:
        return None

    start = services.menu_overdue(request.school, timezone.localdate())
    if start is None:
        return None
    url = reverse("canteen:weekmenu_list")
    return Panel("带量食谱未公示", url, 1, [(f"{start:%m-%d} 起一周的带量食谱尚未审核公示", url, "待公示")], "warning")


@panel
def accounts_panel(request):
    """食堂结余超出预警: last month's surplus above the district's margin (零利润经营) — for the
    principal, the director, the accountant and the canteen manager."""
    if request.school is None or not set(request.roles) & {Role.PRINCIPAL, Role.DIRECTOR, Role.ACCOUNTANT,
                                                            Role.CANTEEN}:
        return None

    month = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    accounts = services.month_accounts(request.school, month)
    if not accounts["over_margin"]:
        return None
    url = f"{reverse('canteen:accounts')}?month={month}"
    return Panel("食堂结余超出预警", url, 1, [(f"{month:%Y年%m月}结余率 {accounts['margin']}%，"
                                         f"超过 {accounts['margin_line']}%", url, "预警")], "warning")
