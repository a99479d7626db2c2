"""Excel exports of the stock reports, on core's report workbook so every report of the system
looks the same: title, subtitle, bold headers, rows, signature line."""

from houqin.core.excel import table_workbook
from houqin.core.views.reports import SIGN_REPORT

SIGN_STOCK = ("制表人", "仓管员", "总务主任")


def balance_workbook(school, report, date):
    rows = []
    for g in report["groups"]:
        for b in g.rows:
            rows.append([g.warehouse, g.category, b.item.code, b.item.name, b.item.spec, b.item.unit, b.quantity,
                         b.unit_cost, b.value])
        rows.append([g.warehouse, g.category, "", "小计", "", "", None, None, g.value])
    rows.append(["", "", "", "合计", "", "", None, None, report["total"]["value"]])
    return table_workbook(f"{school.name} 库存结存表", ["仓库", "类别", "物品编码", "名称", "规格", "单位", "结存数量",
                                                      "平均单价(元)", "结存金额(元)"],
                          rows, subtitle=f"截至 {date:%Y-%m-%d}", signatures=SIGN_STOCK)


def ledger_workbook(school, warehouse, item, ledger, start, end):
    o, c, t = ledger["opening"], ledger["closing"], ledger["totals"]
    rows = [["", "", "期初结存", None, None, None, None, o["quantity"], o["value"], ""]]
    for line in ledger["lines"]:
        m = line.movement
        rows.append([f"{m.occurred_on:%Y-%m-%d}", m.get_kind_display(), m.note, line.in_quantity or None,
                     line.in_amount or None, line.out_quantity or None, line.out_amount or None,
                     line.balance_quantity, line.balance_value, m.person.name if m.person_id else ""])
    rows.append(["", "", "本期合计", t["in_quantity"], t["in_amount"], t["out_quantity"], t["out_amount"],
                 None, None, ""])
    rows.append(["", "", "期末结存", None, None, None, None, c["quantity"], c["value"], ""])
    return table_workbook(
        f"{school.name} 材料账 {item.name}",
        ["日期", "类型", "摘要", "收入数量", "收入金额(元)", "发出数量", "发出金额(元)", "结存数量", "结存金额(元)",
         "领用人"], rows,
        subtitle=f"{warehouse} · {item.code} {item} · 单位 {item.unit} · {start:%Y-%m-%d} 至 {end:%Y-%m-%d}",
        signatures=SIGN_STOCK)


def spending_workbook(school, report, kind_label):
    months = [f"{m}月" for m in range(1, 13)]
    rows = []
    for r in report["rows"]:
        rows.append([r["name"], "入库", *r["received"], r["received_total"]])
        rows.append([r["name"], "领用", *r["issued"], r["issued_total"]])
    t = report["total"]
    rows.append(["合计", "入库", *t["received"], t["received_total"]])
    rows.append(["合计", "领用", *t["issued"], t["issued_total"]])
    return table_workbook(f"{school.name} {report['year']}年{kind_label}按月分类支出表",
                          ["类别", "项目", *months, "全年(元)"], rows, subtitle="金额单位：元；领用为领用出库减退库",
                          signatures=SIGN_REPORT)


def low_stock_workbook(school, balances, date):
    rows = [[b.warehouse.name, b.item.code, b.item.name, b.item.spec, b.item.unit, b.quantity, b.item.reorder_level]
            for b in balances]
    return table_workbook(f"{school.name} 低库存物品", ["仓库", "物品编码", "名称", "规格", "单位", "结存数量",
                                                      "最低库存"], rows, subtitle=f"截至 {date:%Y-%m-%d}")


def expiring_workbook(school, batches, date, days):
    rows = [[b.warehouse.name, b.item.name, b.code, b.quantity, b.item.unit, f"{b.expires_on:%Y-%m-%d}",
             "已过期" if b.expired else f"{b.days_left} 天"] for b in batches]
    return table_workbook(f"{school.name} 临期食品原料", ["仓库", "物品", "批号", "剩余数量", "单位", "保质期至",
                                                        "剩余天数"],
                          rows, subtitle=f"{date:%Y-%m-%d}：已过期及 {days} 天内到期")


def terms_workbook(school, report):
    prev = report["previous_term"]
    rows = [[r["name"], r["previous"], r["this"], r["saving"]] for r in report["rows"]]
    t = report["total"]
    rows.append(["合计", t["previous"], t["this"], t["saving"]])
    return table_workbook(
        f"{school.name} 易耗品支出学期对比",
        ["类别", f"{prev or '上学期'}(元)", f"{report['term']}(元)", "节约(元)"], rows,
        subtitle="易耗品入库金额；节约 = 上学期 − 本学期", signatures=SIGN_REPORT)
