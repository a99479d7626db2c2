"""Excel export and import of the asset register (openpyxl).

Export writes in openpyxl's write-only mode (rows streamed to a temporary file, memory flat
at any size) and neutralises formula injection: a text cell that starts with = + - @ (or a
tab / carriage return) is written with a leading apostrophe.

Import reads a school's existing ledger (our template, or an export of ours), validates
EVERY row first — category by code or name, room by "楼栋 房间" / room name / number,
custodian by name, money, quantities, dates, kind, status, duplicate tags in the file and in
the register — and reports each bad row in Chinese ("第 12 行：单价“abc”不是有效金额").
Nothing is written unless every row is valid; then all holdings, their history rows and
their REGISTER events are inserted in bulk in one transaction.
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Max
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from simple_history.utils import bulk_create_with_history

from houqin.core import importer as cells
from houqin.core.excel import safe, unsafe, workbook_file  # noqa: F401 - unsafe: the tests read it here
from houqin.core.models import Person, Room
from houqin.core.text import initials

from .choices import AssetStatus, EventKind, FundingSource, HoldingKind
from .models import Asset, AssetEvent, Category
from .reports import accumulated_expr, month_of
from .services import month_index

MAX_ROWS = 200_000


# --- export -------------------------------------------------------------------------------

EXPORT_HEADERS = [
    "资产编号", "名称", "分类代码", "分类", "管理方式", "规格型号", "品牌", "单价", "数量", "计量单位", "原值",
    "购置日期", "经费来源", "供应商", "发票号", "保修截止", "楼栋", "存放地点", "保管人", "状态", "固定资产",
    "累计折旧", "净值", "备注",
]


def export_assets(queryset, *, date=None, title="资产清单"):
    """A write-only workbook of the holdings (one query, streamed in chunks); returns a file."""
    date = date or datetime.date.today()
    kinds, statuses, funding = dict(HoldingKind.choices), dict(AssetStatus.choices), dict(FundingSource.choices)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title[:31])
    ws.append([f"{title}（截至 {date:%Y-%m-%d}）"])
    ws.append(EXPORT_HEADERS)
    rows = (queryset.order_by("pk")
            .annotate(x_accumulated=accumulated_expr(month_of(date)))
            .values_list("tag", "name", "category__code", "category__name", "kind", "model_spec", "brand",
                         "unit_price", "quantity", "unit", "purchase_date", "funding_source",
                         "supplier", "invoice_number", "warranty_end", "room__building__name", "room__name",
                         "custodian__name", "status", "capitalised", "x_accumulated", "notes"))
    for r in rows.iterator(chunk_size=2000):
        (tag, name, code, cat, kind, spec, brand, price, qty, unit, bought, fund, supplier, invoice,
         warranty, building, room, custodian, status, capitalised, accumulated, notes) = r
        original = (price * qty).quantize(Decimal("0.01"))
        accumulated = Decimal(accumulated or 0).quantize(Decimal("0.01"))
        ws.append([safe(v) for v in (
            tag, name, code, cat, kinds.get(kind, kind), spec, brand, float(price), qty, unit, float(original),
            bought, funding.get(fund, fund), supplier, invoice, warranty, building, room, custodian or "",
            statuses.get(status, status), "是" if capitalised else "否", float(accumulated),
            float(original - accumulated), notes)])
    return workbook_file(wb)


# --- template ------------------------------------------------------------------------------

# Import columns: (header, required, instruction). Headers of our export are accepted too.
IMPORT_COLUMNS = [
    ("资产编号", False, "可空，空则自动编号；已有编号的照填，不能与本校已有编号重复"),
    ("名称", True, "必填，如 多功能投影机"),
    ("分类", True, "必填，分类代码或名称，如 B09 或 课桌椅"),
    ("管理方式", False, "单件 或 批量；空则数量为 1 的按单件，多于 1 的按批量"),
    ("规格型号", False, ""),
    ("品牌", False, ""),
    ("单价", True, "必填，元，最多两位小数，如 4800.00"),
    ("数量", False, "正整数，空则为 1；单件只能为 1"),
    ("计量单位", False, "如 台、套、张，空则为 台"),
    ("购置日期", True, "必填，如 2024-09-01 或 2024/9/1 或 2024年9月"),
    ("经费来源", False, "财政拨款、公用经费、专项经费、捐赠、自筹、其他；空则为 公用经费"),
    ("供应商", False, ""),
    ("发票号", False, ""),
    ("保修截止", False, "日期，可空"),
    ("存放地点", True, "必填，写成“楼栋 房间”，如 教学楼 六(3)班教室；房间名或门牌号在本校唯一时也可"),
    ("保管人", False, "本校教职工姓名，可空"),
    ("状态", False, "在用、闲置、损坏、维修中；空则为 在用"),
    ("备注", False, ""),
]
ALIASES = {"分类代码": "分类", "单价(元)": "单价", "单价（元）": "单价", "存放地点(楼栋 房间)": "存放地点"}


def template_file(categories=None):
    wb = Workbook()
    ws = wb.active
    ws.title = "资产导入"
    ws.append([h for h, _, _ in IMPORT_COLUMNS])
    ws.append([f"说明：{'必填。' if req else ''}{text}" for _h, req, text in IMPORT_COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for cell in ws[2]:
        cell.font = Font(color="808080", italic=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.fill = PatternFill("solid", fgColor="F2F2F2")
    for col, (header, _r, _t) in zip(ws.columns, IMPORT_COLUMNS, strict=False):
        ws.column_dimensions[col[0].column_letter].width = 12 if len(header) < 4 else 16
    cats = wb.create_sheet("分类代码")
    cats.append(["分类代码", "名称", "折旧年限(年)"])
    for c in categories if categories is not None else Category.objects.order_by("code"):
        cats.append([c.code, c.name, c.depreciation_years or "不计提"])
    return workbook_file(wb)


# --- import --------------------------------------------------------------------------------


@dataclass
class ImportResult:
    rows: int = 0
    assets: list = field(default_factory=list)  # unsaved, prepared Assets
    errors: list = field(default_factory=list)  # "第 n 行：…"
    skipped: int = 0  # written-off rows of an export (已报废/丢失), not on the books
    notes: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.errors and bool(self.assets)

    @property
    def quantity(self):
        return sum(a.quantity for a in self.assets)

    @property
    def value(self):
        return sum((a.unit_price * a.quantity for a in self.assets), Decimal("0.00"))


ImportFileError = cells.ImportFileError  # the file cannot be read at all (not an .xlsx, no header row …)


KIND_WORDS = {"单件": HoldingKind.INDIVIDUAL, "批量": HoldingKind.BULK}
AS_IN_USE = {AssetStatus.LENT, AssetStatus.PENDING_SCRAP}  # no loan / request travels with the file
OFF_BOOKS = {AssetStatus.SCRAPPED, AssetStatus.LOST}


def _text(value):
    return cells.text(value)


def parse_date(value):
    """A purchase or warranty date (core's reader: a date cell, 2024-09-01, 2024/9/1, 2024年9月)."""
    parsed = cells.date(value)
    if parsed == "":
        raise ValueError
    return parsed


def parse_money(value):
    """元 with at most two decimals (core's reader)."""
    amount = cells.money(value)
    if amount == "":
        raise ValueError
    return amount


class Resolver:
    """Lookups of one school, loaded once: categories, rooms, people, tags in use."""

    def __init__(self, school):
        self.school = school
        cats = list(Category.objects.all())
        self.categories = {c.code.upper(): c for c in cats}
        names = {}
        for c in cats:
            names.setdefault(c.name, []).append(c)
        self.category_names = {n: v[0] for n, v in names.items() if len(v) == 1}
        rooms = list(Room.objects.filter(school=school).select_related("building"))
        self.rooms_full = {f"{r.building.name} {r.name}": r for r in rooms}
        self.rooms_by_name, self.rooms_by_number = {}, {}
        for r in rooms:
            self.rooms_by_name.setdefault(r.name, []).append(r)
            if r.number:
                self.rooms_by_number.setdefault(r.number, []).append(r)
                self.rooms_by_number.setdefault(f"{r.building.name} {r.number}", []).append(r)
        self.people = {}
        for p in Person.objects.filter(school=school).only("id", "name", "school_id"):
            self.people.setdefault(p.name, []).append(p)
        self.tags = set(Asset.objects.filter(school=school).values_list("tag", flat=True))
        self.pinyin = {}
        self.statuses = {label: value for value, label in AssetStatus.choices} | {v: v for v in AssetStatus.values}
        self.funding = {label: value for value, label in FundingSource.choices} | {v: v for v in FundingSource.values}

    def category(self, text):
        return self.categories.get(text.upper()) or self.category_names.get(text)

    def room(self, text):
        text = re.sub(r"\s+", " ", text)
        if text in self.rooms_full:
            return self.rooms_full[text], None
        for table in (self.rooms_by_name, self.rooms_by_number):
            found = table.get(text)
            if found and len(found) == 1:
                return found[0], None
            if found:
                return None, f"存放地点“{text}”在本校不唯一，请写成“楼栋 房间”"
        return None, f"存放地点“{text}”不是本校的房间"

    def initials(self, name):
        if name not in self.pinyin:
            self.pinyin[name] = initials(name)[:100]
        return self.pinyin[name]


def _columns(header):
    names = [ALIASES.get(_text(h), _text(h)) for h in header]
    columns = {}
    for i, name in enumerate(names):
        if name and name not in columns:
            columns[name] = i
    missing = [h for h, required, _ in IMPORT_COLUMNS if required and h not in columns]
    return columns, missing


def read_rows(fileobj):
    """(columns, rows, size): rows yields (row number, tuple) of the first sheet after the header
    row (found in the first 5 rows); size is the sheet's row count as the file declares it
    (None when it does not), used only to show progress."""
    try:
        wb = load_workbook(fileobj, read_only=True, data_only=True)
    except Exception as error:  # zipfile.BadZipFile, KeyError, InvalidFileException …
        raise ImportFileError("无法读取文件：请上传 Excel 文件（.xlsx），可先下载导入模板") from error
    ws = wb.worksheets[0]
    rows = ws.iter_rows(values_only=True)
    for number, row in enumerate(rows, start=1):
        columns, missing = _columns(row)
        if "名称" in columns and "单价" in columns:
            if missing:
                raise ImportFileError(f"第 {number} 行表头缺少必填列：{'、'.join(missing)}")
            size = ws.max_row - number if ws.max_row else None
            return columns, ((n, r) for n, r in enumerate(rows, start=number + 1)), size
        if number >= 5:
            break
    raise ImportFileError("没有找到表头行（应包含“名称”“分类”“单价”“购置日期”“存放地点”等列），请使用导入模板")


PROGRESS_EVERY = 1000  # rows between two progress reports


class Row:
    """One data row of the file: its cells by header, and the errors found in it."""

    def __init__(self, number, cells_, columns):
        self.number, self.cells, self.columns, self.errors = number, cells_, columns, []

    def cell(self, name):
        i = self.columns.get(name)
        return self.cells[i] if i is not None and i < len(self.cells) else None

    def text(self, name):
        return _text(self.cell(name))

    def err(self, message):
        self.errors.append(message)


SKIP = object()  # a written-off holding of an export: not on the books, not imported


def _looked_up(row, header, table, default, hint=""):
    """(value, text) of a cell given by its label: `default` when blank, an error when unknown."""
    given = row.text(header)
    if not given:
        return default, given
    value = table.get(given)
    if value is None:
        row.err(f"{header}“{given}”无效{hint}")
    return value, given


def _status(row, res, result):
    status, given = _looked_up(row, "状态", res.statuses, AssetStatus.IN_USE, "，应为 在用、闲置、损坏 或 维修中")
    if status in OFF_BOOKS:
        return SKIP
    if status in AS_IN_USE:
        result.notes.append(f"第 {row.number} 行：状态“{given}”导入为“在用”")
        return AssetStatus.IN_USE
    return status


def _name_and_category(row, res):
    name = row.text("名称")
    if not name:
        row.err("名称不能为空")
    elif len(name) > 100:
        row.err("名称不能超过 100 个字")
    cat_text = row.text("分类")
    category = res.category(cat_text) if cat_text else None
    if not cat_text:
        row.err("分类不能为空")
    elif category is None:
        row.err(f"分类“{cat_text}”不存在（填分类代码如 B09，或分类名称）")
    return name, category


def _price(row):
    raw = row.cell("单价")
    if raw is None or _text(raw) == "":
        row.err("单价不能为空")
        return None
    try:
        return parse_money(raw)
    except ValueError:
        row.err(f"单价“{_text(raw)}”不是有效金额")
        return None


def _quantity_and_kind(row):
    raw, quantity = row.text("数量"), 1
    if raw:
        try:
            quantity = int(Decimal(raw))
            if quantity < 1 or Decimal(raw) != quantity:
                raise ValueError
        except (InvalidOperation, ValueError):
            quantity = None
            row.err(f"数量“{raw}”应为正整数")
    kind_text, kind = row.text("管理方式"), None
    if kind_text:
        kind = next((v for word, v in KIND_WORDS.items() if kind_text.startswith(word)), None)
        kind = kind or (kind_text if kind_text in HoldingKind.values else None)
        if kind is None:
            row.err(f"管理方式“{kind_text}”无效，应为 单件 或 批量")
    elif quantity:
        kind = HoldingKind.BULK if quantity > 1 else HoldingKind.INDIVIDUAL
    if kind == HoldingKind.INDIVIDUAL and quantity and quantity != 1:
        row.err(f"单件资产数量只能为 1（本行为 {quantity}），多件请填“批量”")
    return quantity, kind


def _dates(row):
    raw, purchase = row.cell("购置日期"), None
    if raw is None or _text(raw) == "":
        row.err("购置日期不能为空")
    else:
        try:
            purchase = parse_date(raw)
            if purchase > datetime.date.today():
                row.err(f"购置日期“{purchase:%Y-%m-%d}”晚于今天")
        except ValueError:
            row.err(f"购置日期“{_text(raw)}”不是有效日期（如 2024-09-01）")
    raw, warranty = row.cell("保修截止"), None
    if raw is not None and _text(raw):
        try:
            warranty = parse_date(raw)
        except ValueError:
            row.err(f"保修截止“{_text(raw)}”不是有效日期")
    return purchase, warranty


def _funding(row, res):
    return _looked_up(row, "经费来源", res.funding, FundingSource.PUBLIC_FUNDS)[0]


def _room(row, res):
    room_text, building_text = row.text("存放地点"), row.text("楼栋")
    if not room_text:
        row.err("存放地点不能为空")
        return None
    full = f"{building_text} {room_text}" if building_text and not room_text.startswith(building_text) \
        else room_text
    room, message = res.room(full)
    if message:
        row.err(message)
    return room


def _custodian(row, res):
    person_text = row.text("保管人")
    if not person_text:
        return None
    found = res.people.get(person_text, [])
    if len(found) == 1:
        return found[0]
    if found:
        row.err(f"保管人“{person_text}”在本校有重名，请在导入后再指定")
    else:
        row.err(f"保管人“{person_text}”不是本校教职工")
    return None


def _tag(row, res, seen):
    tag = row.text("资产编号")
    if not tag:
        return tag
    if len(tag) > 40:
        row.err("资产编号不能超过 40 个字符")
    elif tag in seen:
        row.err(f"资产编号“{tag}”与第 {seen[tag]} 行重复")
    elif tag in res.tags:
        row.err(f"资产编号“{tag}”本校已有")
    else:
        seen[tag] = row.number
    return tag


TEXTS = (("规格型号", "model_spec", 100), ("品牌", "brand", 50), ("计量单位", "unit", 10), ("供应商", "supplier", 100),
         ("发票号", "invoice_number", 50), ("备注", "notes", 2000))


def _texts(row):
    texts = {}
    for header, name, limit in TEXTS:
        value = row.text(header)
        if len(value) > limit:
            row.err(f"{header}不能超过 {limit} 个字")
        texts[name] = value
    return texts


def _check(row, res, result, seen):
    """The row's Asset, unsaved; SKIP for a written-off holding; None when a cell is wrong."""
    status = _status(row, res, result)
    if status is SKIP:
        return SKIP
    name, category = _name_and_category(row, res)
    price = _price(row)
    quantity, kind = _quantity_and_kind(row)
    purchase, warranty = _dates(row)
    funding, room, custodian = _funding(row, res), _room(row, res), _custodian(row, res)
    tag, texts = _tag(row, res, seen), _texts(row)
    if row.errors:
        return None
    capitalised = price >= res.school.capitalisation_threshold
    years = category.depreciation_years
    return Asset(
        school=res.school, tag=tag, kind=kind, name=name, pinyin=res.initials(name), category=category,
        unit_price=price, quantity=quantity, purchase_date=purchase, funding_source=funding, warranty_end=warranty,
        room=room, custodian=custodian, status=status, capitalised=capitalised, start_month=month_index(purchase),
        life_months=years * 12 if (years and capitalised) else None, **{**texts, "unit": texts["unit"] or "台"})


def _tally(result, row, asset, max_errors):
    """Count the checked row into the result; False once there are too many errors to go on."""
    if asset is SKIP:
        result.skipped += 1
    elif asset is not None:
        result.assets.append(asset)
    result.errors += [f"第 {row.number} 行：{message}" for message in row.errors]
    if row.errors and len(result.errors) >= max_errors:
        result.errors.append(f"错误超过 {max_errors} 条，其余未列出")
        return False
    return True


def validate(fileobj, school, *, max_errors=1000, progress=None):
    """Read and check every row; returns an ImportResult (assets prepared, or errors).
    `progress(checked, size)` is called every PROGRESS_EVERY rows, for the page's progress bar."""
    columns, rows, size = read_rows(fileobj)
    res, result, seen = Resolver(school), ImportResult(), {}
    for number, cells_ in rows:
        if cells.is_skipped(cells_):  # blank, 合计 or 说明 rows
            continue
        result.rows += 1
        if progress is not None and result.rows % PROGRESS_EVERY == 0:
            progress(result.rows, size)
        if result.rows > MAX_ROWS:
            result.errors.append(f"文件超过 {MAX_ROWS:,} 行，请分批导入")
            break
        row = Row(number, cells_, columns)
        if not _tally(result, row, _check(row, res, result, seen), max_errors):
            break
    if not result.rows and not result.errors:
        result.errors.append("文件中没有数据行")
    elif not result.assets and not result.errors:
        result.errors.append("文件中没有可导入的在账资产")
    if result.errors:
        result.assets = []
    return result


def _assign_tags(school, assets):
    """Tags for rows without one, continuing each purchase year's numbering (as next_tag)."""
    years = sorted({a.purchase_date.year for a in assets if not a.tag})
    taken = {a.tag for a in assets if a.tag}
    for year in years:
        prefix = f"{school.code.upper()}-{year}-"
        last = Asset.objects.filter(school=school, tag__startswith=prefix).aggregate(m=Max("tag"))["m"]
        number = int(last.rsplit("-", 1)[1]) if last and last.rsplit("-", 1)[1].isdigit() else 0
        for a in assets:
            if not a.tag and a.purchase_date.year == year:
                number += 1
                while f"{prefix}{number:05d}" in taken:
                    number += 1
                a.tag = f"{prefix}{number:05d}"


@transaction.atomic
def commit(result, school, *, by, batch_size=2000):
    """Insert the validated holdings, their history rows and REGISTER events; returns them."""
    assets = result.assets
    _assign_tags(school, assets)
    assets = bulk_create_with_history(assets, Asset, batch_size=batch_size, default_user=by)
    if any(a.pk is None for a in assets):  # databases that do not return keys
        by_tag = dict(Asset.objects.filter(school=school, tag__in=[a.tag for a in assets]).values_list("tag", "pk"))
        for a in assets:
            a.pk = a.id = by_tag[a.tag]
    AssetEvent.objects.bulk_create([
        AssetEvent(school=school, asset_id=a.pk, kind=EventKind.REGISTER, quantity=a.quantity,
                   value_change=a.unit_price * a.quantity, to_room_id=a.room_id, to_custodian_id=a.custodian_id,
                   note="批量导入", by=by) for a in assets], batch_size=batch_size)
    return assets


def import_file(fileobj, school, *, by):
    """Validate and, when every row is valid, commit. Returns the ImportResult."""
    result = validate(fileobj, school)
    if result.ok:
        result.assets = commit(result, school, by=by)
    return result
