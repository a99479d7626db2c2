"""Excel import of stock items (物品), declared on core's importer."""

from houqin.core.importer import Column, Importer, choice, integer, text, yes_no

from .choices import ItemCategory, ItemKind
from .forms import ItemForm
from .models import Item


class ItemImporter(Importer):
    model = Item
    form_class = ItemForm
    columns = [
        Column("物品编码", "code", required=True, unique=True, aliases=("编码",), example="BG-001"),
        Column("名称", "name", required=True, example="A4 复印纸"),
        Column("规格", "spec", aliases=("规格型号",), example="70g 500张/包"),
        Column("单位", "unit", aliases=("计量单位",), example="包", default="个"),
        Column("类别", "category", choice(ItemCategory), example="办公用品", default=ItemCategory.OFFICE),
        Column("性质", "kind", choice(ItemKind), example="易耗品", default=ItemKind.CONSUMABLE),
        Column("以旧换新", "old_for_new", yes_no, example="否", default=False),
        Column("最低库存", "reorder_level", text, example="10", default="0"),
        Column("按批次和保质期管理", "tracks_batches", yes_no, aliases=("按批次管理",), example="否", default=False),
        Column("保质期(天)", "shelf_life_days", integer, aliases=("保质期（天）", "保质期"), example=""),
        Column("启用", "active", yes_no, example="是", default=True),
        Column("备注", "notes", example=""),
    ]
