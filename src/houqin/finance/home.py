"""Home-page panel of the finance app: for the accountant, the months past that are not closed."""

import datetime

from django.urls import reverse
from django.utils import timezone

from houqin.core.choices import Role
from houqin.core.home import Panel, panel

from .models import JournalEntry, MonthClose


def unclosed_months(school, today):
    """(year, month) of the months before this one that have entries and are not closed (two queries)."""
    first = datetime.date(today.year, today.month, 1)
    months = {(d.year, d.month) for d in JournalEntry.objects.filter(school=school, occurred_on__lt=first)
              .dates("occurred_on", "month")}
    done = set(MonthClose.objects.filter(school=school).values_list("year", "month"))
    return sorted(months - done)


@panel
def unclosed_panel(request):
    if request.school is None or Role.ACCOUNTANT not in set(request.roles):
        return None
    months = unclosed_months(request.school, timezone.localdate())
    if not months:
        return None
    url = reverse("finance:monthclose_add")
    items = [(f"{y}年{m}月", f"{url}?year={y}&month={m}", "待结账") for y, m in months]
    return Panel("待结账月份", url, len(months), items[:8], "warning")
