"""The canteen section of the sidebar."""

from django.utils.translation import gettext_lazy as _

from houqin.core.menu import Item

ITEMS = [
    Item(_("今日食品安全"), "canteen:board", "canteen.meal", "clipboard2-check", "board"),
    Item(_("晨检"), "canteen:team_checks", "canteen.morningcheck", "thermometer-half", "add"),
    Item(_("晨检记录"), "canteen:morningcheck_list", "canteen.morningcheck", "list-check"),
    Item(_("餐次与留样"), "canteen:meal_list", "canteen.meal", "box-seam"),
    Item(_("留样记录"), "canteen:samplerecord_list", "canteen.samplerecord", "snow"),
    Item(_("餐具消毒"), "canteen:disinfection_list", "canteen.disinfection", "droplet"),
    Item(_("厨房日检"), "canteen:kitchencheck_list", "canteen.kitchencheck", "check2-square"),
    Item(_("陪餐记录"), "canteen:accompaniedmeal_list", "canteen.accompaniedmeal", "people"),
    Item(_("本周食谱"), "canteen:menu_published", "canteen.weekmenu", "calendar-week"),
    Item(_("带量食谱"), "canteen:weekmenu_list", "canteen.weekmenu", "journal-text", "add"),
    Item(_("菜品"), "canteen:dish_list", "canteen.dish", "egg-fried", "add"),
    Item(_("就餐人数"), "canteen:dinercount_list", "canteen.dinercount", "people-fill"),
    Item(_("食堂收支"), "canteen:canteenentry_list", "canteen.canteenentry", "cash-coin"),
    Item(_("收支公示"), "canteen:accounts", "canteen.canteenentry", "clipboard-data", "notice"),
    Item(_("食堂从业人员"), "canteen:canteenworker_list", "canteen.canteenworker", "person-badge"),
]
