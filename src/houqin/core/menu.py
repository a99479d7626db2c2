"""The sidebar: modules and their pages. Each app appends its own section; an item shows
only to roles that may view its model (asked of the same rules table). Labels are Chinese
source strings wrapped in gettext_lazy, translated when the sidebar renders."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Item:
    label: str
    url_name: str
    model: str | None = None  # a model label checked against the rules; None = everyone
    icon: str = "dot"


MENU: list[tuple[str, list[Item]]] = [
    (_("工作台"), [
        Item(_("首页"), "core:home", icon="house"),
        Item(_("待我审批"), "core:approval_inbox", icon="check2-square"),
        Item(_("通知"), "core:notification_list", icon="bell"),
    ]),
    (_("基础信息"), [
        Item(_("校区"), "core:campus_list", "core.campus", "geo-alt"),
        Item(_("楼栋"), "core:building_list", "core.building", "building"),
        Item(_("学期"), "core:term_list", "core.term", "calendar3"),
        Item(_("房间"), "core:room_list", "core.room", "door-open"),
        Item(_("班级"), "core:schoolclass_list", "core.schoolclass", "people"),
        Item(_("教职工"), "core:person_list", "core.person", "person-vcard"),
        Item(_("证件"), "core:certificate_list", "core.certificate", "card-checklist"),
        Item(_("账号与角色"), "core:membership_list", "core.membership", "person-lock"),
    ]),
]


def section(title, items):
    MENU.append((title, items))
