"""The assets section of the sidebar; view modules append their items here."""

from django.utils.translation import gettext_lazy as _

from houqin.core.menu import Item

ITEMS = [
    Item(_("资产登记簿"), "assets:asset_list", "assets.asset", "box-seam"),
    Item(_("借用"), "assets:loan_list", "assets.loan", "arrow-left-right"),
    Item(_("损坏赔偿"), "assets:compensation_list", "assets.compensation", "cash-coin"),
    Item(_("报废"), "assets:scraprequest_list", "assets.scraprequest", "trash3"),
    Item(_("总帐"), "assets:report_ledger", "assets.asset", "journal-text"),
    Item(_("资产导入"), "assets:asset_import", "assets.asset", "file-earmark-arrow-up", action="add"),
    Item(_("盘点"), "assets:stocktake_list", "assets.stocktakeroom", "clipboard-check")  # who counts a room,
]
