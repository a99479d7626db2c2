"""The procurement section of the sidebar (采购)."""

from django.utils.translation import gettext_lazy as _

from houqin.core.menu import Item

ITEMS = [
    Item(_("采购申请"), "procurement:purchaserequest_list", "procurement.purchaserequest", "cart-plus"),
    Item(_("采购订单"), "procurement:purchaseorder_list", "procurement.purchaseorder", "receipt"),
    Item(_("验收"), "procurement:acceptance_list", "procurement.acceptance", "clipboard2-check"),
    Item(_("报销单"), "procurement:voucher_list", "procurement.voucher", "cash-stack"),
    Item(_("供应商"), "procurement:supplier_list", "procurement.supplier", "shop"),
    Item(_("供应商导入"), "procurement:supplier_import", "procurement.supplier", "upload", action="add"),
    Item(_("供应商证照"), "procurement:licence_list", "procurement.licence", "patch-check"),
    Item(_("定点供应商"), "procurement:designation_list", "procurement.designation", "pin-map"),
    Item(_("供应商评价"), "procurement:rating_list", "procurement.rating", "star"),
]
