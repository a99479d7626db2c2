"""The sidebar: modules and their pages. Each app declares its own section under a key (its
label) and may place items under another section's key, so no app edits another's menu; an
item shows only to who may do its `action` on its model and works on that model
(rules.works_on: he adds, changes or takes a step on its rows, is named among its readers,
sees only his own rows, or oversees the school) — the menu is generated from the rules table,
never from per-role lists. Labels are
Chinese source strings wrapped in gettext_lazy, translated when the sidebar renders."""

from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .rules import can, works_on


@dataclass(frozen=True)
class Item:
    label: str
    url_name: str
    model: str | None = None  # a model label checked against the rules; None = everyone
    icon: str = "dot"
    action: str = "view"  # what the rules must allow on `model`: an action or a step ("oversee")

    def shows_to(self, user, roles):
        return self.model is None or (can(roles, self.action, self.model) and works_on(user, roles, self.model))


# key -> (title, items), in the order the sections are declared; core's come first.
SECTIONS: dict[str, tuple[str, list[Item]]] = {
    "workbench": (_("工作台"), [
        Item(_("首页"), "core:home", icon="house"),
        Item(_("待我审批"), "core:approval_inbox", icon="check2-square"),
        Item(_("通知"), "core:notification_list", icon="bell"),
    ]),
    "basics": (_("基础信息"), [
        Item(_("校区"), "core:campus_list", "core.campus", "geo-alt"),
        Item(_("楼栋"), "core:building_list", "core.building", "building"),
        Item(_("学期"), "core:term_list", "core.term", "calendar3"),
        Item(_("房间"), "core:room_list", "core.room", "door-open"),
        Item(_("班级"), "core:schoolclass_list", "core.schoolclass", "people"),
        Item(_("教职工"), "core:person_list", "core.person", "person-vcard"),
        Item(_("教职工导入"), "core:person_import", "core.person", "upload", action="add"),
        Item(_("证件"), "core:certificate_list", "core.certificate", "card-checklist"),
        Item(_("账号与角色"), "core:membership_list", "core.membership", "person-lock"),
    ]),
}
# key -> items other apps placed under that section, in the order they were placed.
PLACED: dict[str, list[Item]] = defaultdict(list)


def section(key, title, items):
    """Declare the sidebar section `key` (an app's label), after those declared before it."""
    if key in SECTIONS:
        raise ValueError(f"menu section {key!r} is declared twice")
    SECTIONS[key] = (title, list(items))


def place(key, items):
    """Put items at the end of section `key`, whichever app declares it and whenever."""
    PLACED[key].extend(items)


def sections():
    """(title, items) of every section in order, each ending with the items placed under it."""
    unknown = set(PLACED) - set(SECTIONS)
    if unknown:
        raise LookupError(f"menu items placed under undeclared sections: {sorted(unknown)}")
    return [(title, [*items, *PLACED[key]]) for key, (title, items) in SECTIONS.items()]


def menu_for(user, roles):
    """(title, items) of the sections with something for `user` with `roles`, each holding
    only the items that show to him."""
    shown = [(title, [i for i in items if i.shows_to(user, roles)]) for title, items in sections()]
    return [(title, items) for title, items in shown if items]
