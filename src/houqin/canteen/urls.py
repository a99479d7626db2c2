"""URLs of the canteen app, gathered from its view modules."""

from django.urls import path

from .views import accounts, board, checks, menus, records

app_name = "canteen"

urlpatterns = [
    path("", board.BoardView.as_view(), name="board"),
    path("board/print/", board.BoardPrintView.as_view(), name="board_print"),
    path("board/month/", board.MonthView.as_view(), name="board_month"),
    *checks.urlpatterns,
    *records.urlpatterns,
    *menus.urlpatterns,
    *accounts.urlpatterns,
]
