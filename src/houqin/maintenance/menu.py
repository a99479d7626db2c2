"""The maintenance section of the sidebar."""

from django.utils.translation import gettext_lazy as _

from houqin.core.menu import Item

ITEMS = [
    Item(_("报修"), "maintenance:workorder_add", "maintenance.workorder", "tools", "add"),
    Item(_("报修单"), "maintenance:workorder_list", "maintenance.workorder", "wrench"),
    Item(_("派单看板"), "maintenance:board", "maintenance.workorder", "kanban", "oversee"),
    Item(_("我的维修"), "maintenance:my_jobs", "maintenance.workorder", "phone", "take"),
    Item(_("维修统计"), "maintenance:statistics", "maintenance.workorder", "bar-chart", "oversee"),
    Item(_("预防性维护计划"), "maintenance:preventiveplan_list", "maintenance.preventiveplan", "calendar-check"),
    Item(_("巡检任务"), "maintenance:preventivetask_list", "maintenance.preventivetask", "list-check"),
    Item(_("特种设备"), "maintenance:specialequipment_list", "maintenance.specialequipment", "building-gear"),
]
