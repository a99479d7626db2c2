"""The assets section of the sidebar; view modules append their items here."""

from django.utils.translation import gettext_lazy as _

from houqin.core.menu import Item

ITEMS = [
    Item(_("资产登记簿"), "assets:asset_list", "assets.asset", "box-seam"),
]
