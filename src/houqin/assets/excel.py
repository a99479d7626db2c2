"""Excel export of the asset register (openpyxl); its import is importers.py, on core's importer.

Export writes in openpyxl's write-only mode (rows streamed to a temporary file, memory flat
at any size) and neutralises formula injection: a text cell that starts with = + - @ (or a
tab / carriage return) is written with a leading apostrophe.
"""

import datetime
from decimal import Decimal

from openpyxl import Workbook

from houqin.core.excel import safe, unsafe, workbook_file  # noqa: F401 - unsafe: the tests read it here
from houqin.core.exports import counted

from .choices import AssetStatus, FundingSource, HoldingKind
from .reports import accumulated_expr, month_of

# --- export -------------------------------------------------------------------------------

EXPORT_HEADERS = [
    "资产编号", "名称", "分类代码", "分类", "管理方式", "规格型号", "品牌", "单价", "数量", "计量单位", "原值",
    "购置日期", "经费来源", "供应商", "发票号", "保修截止", "楼栋", "存放地点", "保管人", "状态", "固定资产",
    "累计折旧", "净值", "备注",
]


def export_assets(queryset, *, date=None, title="资产清单", progress=None):
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
    for r in counted(rows.iterator(chunk_size=2000), progress):
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
