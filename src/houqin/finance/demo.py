"""Demo data of the finance app (`houqin demo`).

Each demo school gets this year's budget — the 公用经费 line that procurement's requests name as
their 经费来源, 办公费, 水电费, 维修经费, 食堂, 营养改善补助, 培训费 and the 专项 屋顶防水工程 —
drafted by the accountant and approved by the director and the principal through the approval
engine, one line still waiting for the principal and one draft; a journal from January to the
demo day (the 财政拨款 and 营养改善补助 coming in, the month's office, water and power, canteen
and nutrition spending, repairs, the roof in July), with one entry booked wrong and reversed;
every month before the demo's closed by the accountant. The step runs after procurement's:
the demo's vouchers, audited before there was a budget, posted themselves without a line, and
the accountant moves them onto the 公用经费 line (冲销 and 重记, 改记预算项目); procurement's
approved, ordered and accepted requests are charged to that line, so its committed amount shows.

A second run finds the school's budget and writes nothing.
"""

import datetime
from decimal import Decimal

from houqin.core import approvals
from houqin.core.choices import Decision, Role
from houqin.core.demo import demo_step
from houqin.procurement.models import PurchaseRequest

from . import services
from .choices import Account, Category, Direction
from .models import BudgetLine, JournalEntry, MonthClose, RequestCharge

D = Decimal

# (name, category, amount, state)
LINES = [
    ("公用经费", Category.MATERIALS, "60000.00", "approved"),
    ("办公费", Category.OFFICE, "14000.00", "approved"),
    ("水电费", Category.UTILITIES, "90000.00", "approved"),
    ("维修经费", Category.REPAIR, "30000.00", "approved"),
    ("食堂", Category.CANTEEN, "150000.00", "approved"),
    ("营养改善补助", Category.NUTRITION, "110000.00", "approved"),
    ("培训费", Category.TRAINING, "8000.00", "approved"),
    ("屋顶防水工程", Category.SPECIAL, "85000.00", "approved"),
    ("校园绿化", Category.PUBLIC_OTHER, "6000.00", "pending"),
    ("下学期图书更新", Category.PUBLIC_OTHER, "5000.00", "draft"),
]

# Monthly entries: (day, direction, account, category, line name or None, amount(month), summary)
# `amount` is a function of the month (1–12) so that the months differ.
MONTHLY = [
    (5, Direction.INCOME, Account.BANK, Category.APPROPRIATION, None, lambda m: D("30000.00"), "财政拨付公用经费"),
    (8, Direction.SPENDING, Account.CASH, Category.OFFICE, "办公费", lambda m: D("650.00") + D(m * 37), "购办公用品"),
    (12, Direction.SPENDING, Account.BANK, Category.UTILITIES, "水电费",
     lambda m: D("6400.00") + D((m % 4) * 215), "缴电费、水费"),
    (15, Direction.SPENDING, Account.BANK, Category.CANTEEN, "食堂",
     lambda m: D("0.00") if m in (2, 8) else D("9800.00") + D(m * 53), "食堂食材款"),
    (20, Direction.SPENDING, Account.BANK, Category.NUTRITION, "营养改善补助",
     lambda m: D("0.00") if m in (2, 8) else D("8600.00"), "营养餐（牛奶、鸡蛋）"),
]
TERM_INCOME = [  # (month, day, amount, summary): 财政拨款
    (3, 2, "43000.00", "营养改善补助（春季学期）下拨"),
    (9, 3, "43000.00", "营养改善补助（秋季学期）下拨"),
]
ONCE = [  # (month, day, category, line, amount, summary)
    (4, 18, Category.REPAIR, "维修经费", "3260.00", "教学楼卫生间水管更换"),
    (7, 22, Category.SPECIAL, "屋顶防水工程", "78600.00", "综合楼屋顶防水工程款"),
    (8, 26, Category.REPAIR, "维修经费", "5480.00", "暑期课桌椅维修"),
    (10, 16, Category.TRAINING, "培训费", "1800.00", "食堂从业人员培训"),
]


def _user(demo, code, role):
    return demo.user(f"{code}.{role}")


def _budget(demo, code, year):
    school = demo.school(code)
    accountant = _user(demo, code, Role.ACCOUNTANT)
    lines = {}
    for name, category, amount, state in LINES:
        line = services.save_line(BudgetLine(school=school, year=year, category=category, name=name, amount=D(amount),
                                             note="年度预算"), by=accountant)
        if state != "draft":
            services.submit_line(line, by=accountant)
            approval = approvals.latest(line)
            signers = [Role.DIRECTOR] if state == "pending" else [step["roles"][0] for step in approval.steps]
            for role in signers:
                approvals.sign(approval, by=_user(demo, code, role), decision=Decision.APPROVE, comment="同意")
                approval.refresh_from_db()
        line.refresh_from_db()
        lines[name] = line
    return lines


def _entry(school, on, direction, account, category, line, amount, summary, handler):
    return JournalEntry(school=school, occurred_on=on, direction=direction, account=account, category=category,
                        budget_line=line, amount=amount, summary=summary, handler=handler)


def _journal(demo, code, year, lines):
    school, today = demo.school(code), demo.today
    accountant = _user(demo, code, Role.ACCOUNTANT)
    handler = demo.people.get((code, Role.ACCOUNTANT.value))
    wanted = []
    for month in range(1, today.month + 1):
        for day, direction, account, category, name, amount, summary in MONTHLY:
            value = amount(month)
            if value:
                wanted.append(_entry(school, datetime.date(year, month, day), direction, account, category,
                                     lines.get(name), value, f"{month}月{summary}", handler))
    for month, day, amount, summary in TERM_INCOME:
        wanted.append(_entry(school, datetime.date(year, month, day), Direction.INCOME, Account.BANK,
                             Category.APPROPRIATION, None, D(amount), summary, handler))
    for month, day, category, name, amount, summary in ONCE:
        wanted.append(_entry(school, datetime.date(year, month, day), Direction.SPENDING, Account.BANK, category,
                             lines[name], D(amount), summary, handler))
    wanted = sorted((e for e in wanted if e.occurred_on <= today), key=lambda e: e.occurred_on)
    for entry in wanted:
        services.record_entry(entry, by=accountant)
    # One entry booked wrong this month (the wrong line) and reversed, then booked again.
    on = today.replace(day=1)
    wrong = services.record_entry(_entry(school, on, Direction.SPENDING, Account.CASH, Category.OFFICE,
                                         lines["办公费"], D("420.00"), "购打印机硒鼓（误记办公费）", handler),
                                  by=accountant)
    services.reverse_entry(wrong, by=accountant, note="应记入公用经费·专用材料费")
    services.record_entry(_entry(school, on, Direction.SPENDING, Account.CASH, Category.MATERIALS,
                                 lines["公用经费"], D("420.00"), "购打印机硒鼓", handler), by=accountant)
    for month in range(1, today.month):
        services.close_month(MonthClose(school=school, year=year, month=month, note="月末结账，帐实相符"),
                             by=accountant)


def _procurement(demo, code, line):
    """Procurement's vouchers posted without a line moved onto it; its open requests charged to it."""

    school, accountant = demo.school(code), _user(demo, code, Role.ACCOUNTANT)
    unlined = JournalEntry.objects.filter(school=school, source_type__isnull=False, budget_line__isnull=True,
                                          reverses__isnull=True, reversed_by__isnull=True)
    for entry in unlined.order_by("pk"):
        services.reclassify(entry, by=accountant, line=line, note="预算批准后改记公用经费")
    for request in PurchaseRequest.objects.filter(school=school, status__in=("approved", "ordered", "accepted")):
        services.charge_request(RequestCharge(school=school, request=request, line=line, note="按经费来源记入"),
                                by=accountant)
        demo.created[RequestCharge._meta.verbose_name] += 1


@demo_step("finance", after=("procurement",))
def demo_finance(demo):
    year = demo.today.year
    for code in demo.schools:
        school = demo.school(code)
        if BudgetLine.objects.filter(school=school).exists():
            continue  # already built: running the demo twice writes nothing new
        lines = _budget(demo, code, year)
        _journal(demo, code, year, lines)
        _procurement(demo, code, lines["公用经费"])
        demo.created[BudgetLine._meta.verbose_name] += len(lines)
        demo.created[JournalEntry._meta.verbose_name] += JournalEntry.objects.filter(school=school).count()
