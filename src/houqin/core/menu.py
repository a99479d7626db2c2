"""The sidebar: modules and their pages. Each app appends its own section; an item shows
only to roles that may view its model (asked of the same rules table)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Item:
    label: str
    url_name: str
    model: str | None = None  # a model label checked against the rules; None = everyone
    icon: str = "dot"


MENU: list[tuple[str, list[Item]]] = [
    ("工作台", [
        Item("首页", "core:home", icon="house"),
        Item("待我审批", "core:approval_inbox", icon="check2-square"),
        Item("通知", "core:notification_list", icon="bell"),
    ]),
    ("基础信息", [
        Item("校区", "core:campus_list", "core.campus", "geo-alt"),
        Item("楼栋", "core:building_list", "core.building", "building"),
        Item("房间", "core:room_list", "core.room", "door-open"),
        Item("班级", "core:schoolclass_list", "core.schoolclass", "people"),
        Item("教职工", "core:person_list", "core.person", "person-vcard"),
        Item("证件", "core:certificate_list", "core.certificate", "card-checklist"),
    ]),
]


def section(title, items):
    MENU.append((title, items))
