"""What a preventive task checks (检查对象): the plan's rooms, the school's in-service assets of
the plan's asset category (and its sub-categories), or its one piece of special equipment.

A task's check is a matrix, one row per target and one column per checklist item; its
results are stored cell by cell ({"target": "asset:12", "label": …, "item": …, "ok": …,
"note": …}) so that the API reads them as they are. The targets are resolved when the task is
shown or completed, in one query whatever their number."""

from dataclasses import dataclass

from django.db.models import Q

from houqin.assets.choices import AssetStatus, HoldingKind
from houqin.assets.models import Asset

from .choices import TargetKind

# A plan with no concrete target (a rooms plan without rooms, a category without assets in
# use, a plan whose equipment was removed) is checked as a whole: one row under this key.
WHOLE = "plan"
# A target as the API writes it.
TARGET_KEY = r"^(?:(?:room|asset|equipment):\d+|plan)$"
# The asset classification is two levels deep (GB/T 14885 门类 and the school sub-categories);
# an asset-category plan takes its category and up to three levels below it, in the same query.
CATEGORY_DEPTH = 4


@dataclass(frozen=True)
class Target:
    key: str  # "room:5", "asset:12", "equipment:3" or WHOLE
    label: str  # what the worker reads: "ESYX-2019-00012 风扇 ×4台", "综合楼 微机室"
    room: object = None  # core.Room: where it is (for an asset, its room)
    asset: object = None
    equipment: object = None

    @property
    def slug(self):
        """The key in form field names and HTML ids: asset-12."""
        return self.key.replace(":", "-")

    @property
    def place(self):
        """The room shown beside an asset or equipment row ("" for a room row: it is the label)."""
        if self.room is None or (self.asset is None and self.equipment is None):
            return ""
        return str(self.room)


def _category_q(category_id):
    q = Q()
    for depth in range(CATEGORY_DEPTH):  # category_id, category__parent_id, category__parent__parent_id …
        q |= Q(**{"category" + "__parent" * depth + "_id": category_id})
    return q


def whole(plan):
    if plan.target_kind == TargetKind.ROOMS:
        return Target(WHOLE, "整体")
    return Target(WHOLE, plan.target)


def resolve(plan, school_id):
    """The targets of `plan` at the school, in the order the worker walks them. One query
    (none for equipment when the plan was read with `equipment__room__building`)."""

    targets = []
    if plan.target_kind == TargetKind.ROOMS:
        rooms = plan.rooms.filter(school_id=school_id).select_related("building").order_by(
            "building__name", "floor", "number", "pk")
        targets = [Target(f"room:{r.pk}", str(r), room=r) for r in rooms]
    elif plan.target_kind == TargetKind.ASSET_CATEGORY and plan.asset_category_id:
        assets = (Asset.objects.filter(_category_q(plan.asset_category_id), school_id=school_id,
                                       status=AssetStatus.IN_USE)
                  .select_related("room__building").order_by("room__building__name", "room__floor", "room__number",
                                                              "room_id", "tag"))
        targets = [Target(f"asset:{a.pk}", _asset_label(a), room=a.room, asset=a) for a in assets]
    elif plan.target_kind == TargetKind.EQUIPMENT and plan.equipment_id:
        eq = plan.equipment
        targets = [Target(f"equipment:{eq.pk}", eq.name, room=eq.room, equipment=eq)]
    return targets or [whole(plan)]


def _asset_label(asset):
    label = f"{asset.tag} {asset.name}"
    if asset.kind == HoldingKind.BULK:
        label += f" ×{asset.quantity}{asset.unit}"
    return label


# --- results -----------------------------------------------------------------------------------


def rows(results):
    """The stored cells grouped back into rows, in their order: [{"key", "label", "cells",
    "notes", "faults", "faulty_items"}], and the checklist items in column order. Old results (before the
    per-target check: no "target") make one row."""
    grouped, items = {}, []
    for cell in results or ():
        key = cell.get("target") or WHOLE
        row = grouped.setdefault(key, {"key": key, "label": cell.get("label") or "整体", "cells": [], "notes": [],
                                       "faults": 0, "faulty_items": []})
        row["cells"].append(cell)
        if cell.get("item") not in items:
            items.append(cell.get("item"))
        note = (cell.get("note") or "").strip()
        if note and note not in row["notes"]:
            row["notes"].append(note)
        if not cell.get("ok", True):
            row["faults"] += 1
            row["faulty_items"].append(cell.get("item"))
    return list(grouped.values()), items


def summary(results):
    """“4 项目 × 60 对象，2 处问题” of stored results ("" when there are none)."""
    if not results:
        return ""
    grouped, items = rows(results)
    faults = sum(r["faults"] for r in grouped)
    return f"{len(items)} 项目 × {len(grouped)} 对象，{faults} 处问题"
