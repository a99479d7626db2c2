"""今日食品安全: the day's compliance board, its printout (the inspector's 日管控 record) and
the month's calendar of gaps."""

import calendar
import datetime

from django.shortcuts import render
from django.utils import timezone
from django.views import View

from houqin.core.params import date_param
from houqin.core.views.generic import SchoolScopedMixin

from .. import board
from ..models import Meal


class BoardView(SchoolScopedMixin, View):
    model = Meal
    action = "board"
    template_name = "canteen/board.html"

    def get(self, request):
        day = date_param(request.GET, "date", timezone.localdate())
        entry = board.day(request.school, day)
        return render(request, self.template_name, {
            "day": entry, "date": day, "previous": day - datetime.timedelta(days=1),
            "next": day + datetime.timedelta(days=1), "today": timezone.localdate()})


class BoardPrintView(BoardView):
    template_name = "canteen/board_print.html"


class MonthView(SchoolScopedMixin, View):
    """The month's serving days, each coloured by its worst entry, as a calendar."""

    model = Meal
    action = "board"

    def get(self, request):
        first = date_param(request.GET, "month", timezone.localdate()).replace(day=1)
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        found = {d.date: d for d in board.days(request.school, first, last)}
        weeks = [[found.get(day) if day.month == first.month else None for day in week]
                 for week in calendar.Calendar().monthdatescalendar(first.year, first.month)]
        gaps = [d for d in found.values() if d.serving and d.gaps()]
        previous = (first - datetime.timedelta(days=1)).replace(day=1)
        return render(request, "canteen/month.html", {
            "first": first, "weeks": weeks, "gaps": gaps, "previous": previous,
            "next": last + datetime.timedelta(days=1)})
