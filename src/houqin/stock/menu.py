"""The stock section of the sidebar (库房), and the report pages placed at its end."""

from django.utils.translation import gettext_lazy as _

from houqin.core.menu import Item

ITEMS = [
    Item(_("领用单"), "stock:requisition_list", "stock.requisition", "cart-check"),
    Item(_("库存"), "stock:stockbalance_list", "stock.stockbalance", "boxes"),
    Item(_("出入库流水"), "stock:movement_list", "stock.movement", "journal-text"),
    Item(_("物品"), "stock:item_list", "stock.item", "tag"),
    Item(_("物品导入"), "stock:item_import", "stock.item", "upload", action="add"),
    Item(_("食品批次"), "stock:batch_list", "stock.batch", "calendar2-x"),
    Item(_("月度盘存"), "stock:stockcount_list", "stock.stockcount", "clipboard-data"),
    Item(_("仓库"), "stock:warehouse_list", "stock.warehouse", "house-door"),
]

# Report pages (stock/views/reports.py); the other reports are linked from their header.
REPORTS = [
    Item(_("库存结存"), "stock:report_balance", "stock.movement", "clipboard-data"),
    Item(_("材料账"), "stock:report_ledger", "stock.movement", "journal-text"),
    Item(_("按月分类支出"), "stock:report_spending", "stock.movement", "bar-chart"),
    Item(_("易耗品学期对比"), "stock:report_terms", "stock.movement", "arrow-down-up"),
]
