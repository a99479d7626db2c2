"""The safety section of the sidebar."""

from django.utils.translation import gettext_lazy as _

from houqin.core.menu import Item

ITEMS = [
    Item(_("上报隐患"), "safety:hazard_add", "safety.hazard", "exclamation-triangle", "add"),
    Item(_("隐患台帐"), "safety:hazard_list", "safety.hazard", "journal-check"),
    Item(_("巡查记录"), "safety:patrol_list", "safety.patrol", "signpost-split"),
    Item(_("巡查路线"), "safety:patrolroute_list", "safety.patrolroute", "map"),
    Item(_("消防器材"), "safety:fireequipment_list", "safety.fireequipment", "fire"),
    Item(_("消防器材检查"), "safety:firecheck_list", "safety.firecheck", "clipboard-check"),
    Item(_("演练与培训"), "safety:drill_list", "safety.drill", "people"),
    Item(_("门卫登记"), "safety:gate", "safety.gateentry", "door-open", "add"),
    Item(_("来访车辆记录"), "safety:gateentry_list", "safety.gateentry", "card-list"),
]
