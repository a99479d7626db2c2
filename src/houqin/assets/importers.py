"""Excel import of the asset register (资产), declared on core's importer.

It reads a school's existing ledger — our template, or an export of ours (whose 楼栋 column is
joined to 存放地点, whose written-off rows are skipped) — and checks every row with the
register form of the asset page. Categories, rooms and people are named, not numbered, and
resolved from tables read once; the holdings, their history rows and REGISTER events are
inserted in bulk, thousands of rows in a constant number of queries.
"""

from decimal import Decimal

from django.utils import timezone
from openpyxl.styles import Alignment, Font, PatternFill

from houqin.core.importer import (
    CellError,
    Column,
    Importer,
    SkipRow,
    choice,
    date,
    money,
    positive_integer,
    related,
    text,
)
from houqin.core.models import Person, Room
from houqin.core.money import yuan

from . import services
from .choices import AssetStatus, FundingSource, HoldingKind
from .forms import AssetImportForm
from .models import Asset, Category

OFF_BOOKS = {AssetStatus.SCRAPPED, AssetStatus.LOST}  # written off: not on the books, not imported
AS_IN_USE = {AssetStatus.LENT, AssetStatus.PENDING_SCRAP}  # no loan / request travels with the file
KIND_WORDS = {"单件": HoldingKind.INDIVIDUAL, "批量": HoldingKind.BULK}


def kind(value, context=None):
    """单件 / 批量, or our export's 单件（有标签） / 批量（按数量）; blank: decided by the quantity."""
    raw = text(value)
    found = next((v for word, v in KIND_WORDS.items() if raw.startswith(word)), None)
    if raw and not found and raw not in HoldingKind.values:
        raise CellError(f"“{raw}”无效，应为 单件 或 批量")
    return found or raw


def status(value, context):
    """A holding's status by its label; written-off rows are skipped, lent or pending ones are
    imported as in use (their loan or request does not travel with the file)."""
    raw = text(value)
    labels = {label: v for v, label in AssetStatus.choices} | {v: v for v in AssetStatus.values}
    if raw and raw not in labels:
        raise CellError(f"“{raw}”无效，应为 在用、闲置、损坏 或 维修中")
    found = labels.get(raw, "")
    if found in OFF_BOOKS:
        raise SkipRow
    if found in AS_IN_USE:
        context.note(f"状态“{raw}”导入为“在用”")
        return AssetStatus.IN_USE
    return found


def bought(value, context=None):
    purchase = date(value)
    if purchase and purchase > timezone.localdate():
        raise CellError(f"“{purchase:%Y-%m-%d}”晚于今天")
    return purchase


def room_names(room):
    names = [f"{room.building.name} {room.name}", room.name]
    return names + [room.number, f"{room.building.name} {room.number}"] if room.number else names


class AssetImporter(Importer):
    model = Asset
    form_class = AssetImportForm
    title = "资产"
    bulk = True
    confirm = True  # the keeper checks the count and value before the register changes
    progress_every = 1000
    columns = [
        Column("资产编号", "tag", unique=True, example="",
               help="可空，空则自动编号；已有编号的照填，不能与本校已有编号重复"),
        Column("名称", "name", required=True, example="多功能投影机", help="必填，如 多功能投影机"),
        Column("分类", "category", related(Category, ("code", "name"), normal=str.upper,
                                         missing="“{raw}”不存在（填分类代码如 B09，或分类名称）"),
               required=True, aliases=("分类代码",), example="B09", help="必填，分类代码或名称，如 B09 或 课桌椅"),
        Column("管理方式", "kind", kind, example="单件",
               help="单件 或 批量；空则数量为 1 的按单件，多于 1 的按批量"),
        Column("规格型号", "model_spec"),
        Column("品牌", "brand"),
        Column("单价", "unit_price", money, required=True, aliases=("单价(元)", "单价（元）"), example="4800.00",
               help="必填，元，最多两位小数，如 4800.00"),
        Column("数量", "quantity", positive_integer, default=1, example=1, help="正整数，空则为 1；单件只能为 1"),
        Column("计量单位", "unit", default="台", example="台", help="如 台、套、张，空则为 台"),
        Column("购置日期", "purchase_date", bought, required=True, example="2024-09-01",
               help="必填，如 2024-09-01 或 2024/9/1 或 2024年9月"),
        Column("经费来源", "funding_source", choice(FundingSource), default=FundingSource.PUBLIC_FUNDS,
               help="财政拨款、公用经费、专项经费、捐赠、自筹、其他；空则为 公用经费"),
        Column("供应商", "supplier"),
        Column("发票号", "invoice_number"),
        Column("保修截止", "warranty_end", date, help="日期，可空"),
        Column("楼栋", "building", template=False),  # our export's; joined to 存放地点 (see cells)
        Column("存放地点", "room", related(Room, (room_names,), select=("building",),
                                         ambiguous="“{raw}”在本校不唯一，请写成“楼栋 房间”"),
               required=True, aliases=("存放地点(楼栋 房间)",), example="综合楼 多媒体教室",
               help="必填，写成“楼栋 房间”，如 教学楼 六(3)班教室；房间名或门牌号在本校唯一时也可"),
        Column("保管人", "custodian", related(Person, missing="“{raw}”不是本校教职工",
                                          ambiguous="“{raw}”在本校有重名，请在导入后再指定"),
               help="本校教职工姓名，可空"),
        Column("状态", "status", status, default=AssetStatus.IN_USE, help="在用、闲置、损坏、维修中；空则为 在用"),
        Column("备注", "notes"),
    ]

    def cells(self, row, mapping):
        """Our export gives 楼栋 and 存放地点 (the room) apart: the room is named "楼栋 房间"."""
        cells = super().cells(row, mapping)
        building, room = text(cells["楼栋"]), text(cells["存放地点"])
        if building and room and not room.startswith(building):
            cells["存放地点"] = f"{building} {room}"
        return cells

    def read_row(self, number, row, mapping):
        data, errors = super().read_row(number, row, mapping)
        if data.get("kind") == "":  # by the quantity (unreadable: the row has its error already)
            quantity = data.get("quantity")
            data["kind"] = HoldingKind.BULK if isinstance(quantity, int) and quantity > 1 else HoldingKind.INDIVIDUAL
        return data, errors

    def prepare(self, asset):
        services.prepare(asset)  # pinyin, capitalised, depreciation life: as the page registers it

    def insert(self, assets, by):
        services.assign_tags(self.school, assets)
        return super().insert(assets, by)

    def saved_in_bulk(self, assets, by):
        services.registered_in_bulk(assets, by=by)

    def summary(self, outcome):
        assets = [form.instance for form in outcome.valid]
        quantity, value = totals(assets)
        return [f"资产 {len(assets)} 条，数量合计 {quantity}，原值合计 {yuan(value)} 元"]

    def template(self):
        """The headers, a grey row of instructions (skipped when read) and the category codes."""
        wb = super().template()
        ws = wb.active
        ws.delete_rows(2)
        columns = [c for c in self.columns if c.template]
        ws.append([f"说明：{'必填。' if c.required and not c.help.startswith('必填') else ''}{c.help}"
                   for c in columns])
        for cell in ws[2]:
            cell.font = Font(color="808080", italic=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.fill = PatternFill("solid", fgColor="F2F2F2")
        codes = wb.create_sheet("分类代码")
        codes.append(["分类代码", "名称", "折旧年限(年)"])
        for c in Category.objects.order_by("code"):
            codes.append([c.code, c.name, c.depreciation_years or "不计提"])
        return wb


def totals(assets):
    """(quantity, original value) of holdings."""
    return sum(a.quantity for a in assets), sum((a.unit_price * a.quantity for a in assets), Decimal("0.00"))
