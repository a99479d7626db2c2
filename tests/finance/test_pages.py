"""Page contracts of every finance model (lists with their filters and Excel export, details,
forms for every role of two schools, constant query counts), the steps on the pages and the
month-end report."""

import io

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from houqin.core.choices import Role
from houqin.finance.choices import BudgetStatus
from houqin.finance.models import BudgetLine, JournalEntry, MonthClose, RequestCharge
from tests.procurement.factories import PurchaseRequestFactory

from ..conftest import ALL_ROLES
from ..contracts import PagesContract
from .factories import (
    BudgetLineFactory,
    JournalEntryFactory,
    MonthCloseFactory,
    RequestChargeFactory,
    approved_line,
    entry,
)

pytestmark = pytest.mark.django_db


def said(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


class TestBudgetLinePages(PagesContract):
    model = BudgetLine
    factory = BudgetLineFactory

    def valid_form(self, world):
        return {"year": timezone.localdate().year, "category": "office", "name": "办公用品", "amount": "1200.00"}

    def edit_form(self, world, obj):
        return {"year": obj.year, "category": "office", "name": "办公用品（调整）", "amount": "1500.00",
                "loaded_at": obj.updated_at.isoformat()}


class TestRequestChargePages(PagesContract):
    model = RequestCharge
    factory = RequestChargeFactory

    def valid_form(self, world):
        a = world.schools["a"]
        line = BudgetLineFactory(school=a, status=BudgetStatus.APPROVED)
        return {"request": PurchaseRequestFactory(school=a).pk, "line": line.pk, "note": "记入办公费"}

    def edit_form(self, world, obj):
        line = BudgetLineFactory(school=obj.school, status=BudgetStatus.APPROVED)
        return {"request": obj.request_id, "line": line.pk, "note": "改记", "loaded_at": obj.updated_at.isoformat()}


class TestJournalEntryPages(PagesContract):
    model = JournalEntry
    factory = JournalEntryFactory

    def valid_form(self, world):
        return {"occurred_on": str(timezone.localdate()), "direction": "spending", "account": "cash",
                "category": "office", "amount": "86.40", "summary": "购粉笔、黑板擦"}


class TestMonthClosePages(PagesContract):
    model = MonthClose
    factory = MonthCloseFactory

    def valid_form(self, world):
        today = timezone.localdate()
        return {"year": today.year, "month": today.month, "note": "帐实相符"}


# --- the steps on the pages -----------------------------------------------------------------


def test_the_accountant_submits_a_line_and_it_is_approved_on_the_approval_pages(world):
    a = world.schools["a"]
    line = BudgetLineFactory(school=a, amount="8000.00")
    assert world.client(Role.DIRECTOR).post(reverse("finance:budgetline_submit", args=[line.pk])).status_code == 403
    response = world.client(Role.ACCOUNTANT).post(reverse("finance:budgetline_submit", args=[line.pk]))
    assert response.status_code == 302 and "已提交审批" in said(response)
    line.refresh_from_db()
    assert line.status == BudgetStatus.PENDING
    page = world.client(Role.ACCOUNTANT).get(line.get_absolute_url()).content.decode()
    assert "审批：待审批" in page and reverse("finance:budgetline_edit", args=[line.pk]) not in page
    from houqin.core.models import ApprovalRequest

    approval = ApprovalRequest.objects.get(object_id=line.pk, policy="finance.budget")
    for role in (Role.DIRECTOR, Role.PRINCIPAL):
        response = world.client(role).post(reverse("core:approval_sign", args=[approval.pk]),
                                           {"decision": "approve", "comment": ""})
        assert response.status_code == 302
    line.refresh_from_db()
    assert line.status == BudgetStatus.APPROVED
    response = world.client(Role.ACCOUNTANT).post(reverse("finance:budgetline_edit", args=[line.pk]), {
        "year": line.year, "category": "office", "name": "改名", "amount": "1.00",
        "loaded_at": line.updated_at.isoformat()})
    assert response.status_code == 200 and "不能修改" in response.content.decode()


def test_the_line_page_shows_budget_committed_spent_left(world):
    a = world.schools["a"]
    line = approved_line(a, "10000.00")
    RequestChargeFactory(school=a, line=line, request=PurchaseRequestFactory(school=a, status="approved",
                                                                             amount="1250.00"))
    entry(a, "300.00", line=line)
    page = world.client(Role.DIRECTOR).get(line.get_absolute_url()).content.decode()
    assert 'id="figure-committed">1,250.00' in page and 'id="figure-spent">300.00' in page
    assert 'id="figure-left">8,450.00' in page
    listed = world.client(Role.PRINCIPAL).get(reverse("finance:budgetline_list")).content.decode()
    assert "8,450.00" in listed


def test_an_entry_is_reversed_on_its_page_never_edited(world):
    a = world.schools["a"]
    made = entry(a, "420.00")
    client = world.client(Role.ACCOUNTANT)
    assert client.get(reverse("finance:journalentry_edit", args=[made.pk])).status_code == 403
    assert world.client(Role.DIRECTOR).post(reverse("finance:journalentry_reverse", args=[made.pk]),
                                            {"reverse-note": "记错"}).status_code == 403
    response = client.post(reverse("finance:journalentry_reverse", args=[made.pk]), {"reverse-note": "金额记错"})
    reversal = JournalEntry.objects.get(reverses=made)
    assert response.status_code == 302 and response["Location"] == reversal.get_absolute_url()
    assert reversal.amount == -made.amount
    page = client.get(made.get_absolute_url()).content.decode()
    assert "已冲销" in page and "冲销这笔流水" not in page


def test_a_late_entry_in_a_closed_month_is_refused_with_a_clear_message(world):
    today = timezone.localdate()
    client = world.client(Role.ACCOUNTANT)
    response = client.post(reverse("finance:monthclose_add"), {"year": today.year, "month": today.month})
    assert response.status_code == 302
    assert world.client(Role.DIRECTOR).post(reverse("finance:monthclose_add"),
                                            {"year": 2020, "month": 1}).status_code == 403
    count = JournalEntry.objects.count()
    response = client.post(reverse("finance:journalentry_add"), {
        "occurred_on": str(today), "direction": "spending", "account": "cash", "category": "office",
        "amount": "12.00", "summary": "迟到的发票"})
    assert response.status_code == 200
    assert f"{today.year}年{today.month}月已结账，不能再记入该月的流水" in response.content.decode()
    assert JournalEntry.objects.count() == count


def test_the_month_report_and_its_excel(world):
    a = world.schools["a"]
    today = timezone.localdate()
    entry(a, "30000.00", direction="income")
    entry(a, "650.00")
    made = entry(a, "99.00")
    from houqin.finance import services

    services.reverse_entry(made, by=world.user(Role.ACCOUNTANT), note="重复记账")
    entry(world.schools["b"], "7.00")
    url = reverse("finance:report_month") + f"?year={today.year}&month={today.month}"
    for role in ALL_ROLES:
        status = world.client(role).get(url).status_code
        assert status == (200 if role in (Role.ACCOUNTANT, Role.DIRECTOR, Role.PRINCIPAL, Role.DISTRICT_OFFICER)
                          else 403), role
    page = world.client(Role.PRINCIPAL).get(url).content.decode()
    assert 'id="total-income">30,000.00' in page and 'id="total-spending">650.00' in page
    response = world.client(Role.ACCOUNTANT).get(url + "&format=xlsx")
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert ["合计", 30000.0, 650.0, 30000.0, 650.0] in rows


def test_the_accountant_sees_the_months_to_close_on_his_home_page(world):
    import datetime

    a = world.schools["a"]
    first = timezone.localdate().replace(day=1)
    last_month = first - datetime.timedelta(days=1)
    JournalEntryFactory(school=a, occurred_on=last_month)
    page = world.client(Role.ACCOUNTANT).get(reverse("core:home")).content.decode()
    assert "待结账月份" in page and f"{last_month.year}年{last_month.month}月" in page
    assert "待结账月份" not in world.client(Role.DIRECTOR).get(reverse("core:home")).content.decode()


def test_the_terms_statement_computes_every_figure_from_the_entries(world):
    """收支情况说明 (seed 000's layout): a term of entries against the one before, nothing typed."""
    import datetime
    from decimal import Decimal

    from houqin.finance import services
    from houqin.finance.choices import Category
    from tests.factories import TermFactory

    a = world.schools["a"]
    spring = TermFactory(school=a, name="2026年春季学期", starts_on=datetime.date(2026, 2, 24),
                         ends_on=datetime.date(2026, 7, 3))
    autumn = TermFactory(school=a, name="2026年秋季学期", starts_on=datetime.date(2026, 9, 1),
                         ends_on=datetime.date(2027, 1, 22))
    booked = [  # (day, category, amount)
        (datetime.date(2026, 3, 10), Category.MATERIALS, "46046.00"),
        (datetime.date(2026, 4, 2), Category.CANTEEN, "70096.92"),
        (datetime.date(2026, 9, 15), Category.MATERIALS, "17944.00"),
        (datetime.date(2026, 10, 8), Category.CANTEEN, "54220.50"),
        (datetime.date(2026, 10, 9), Category.REPAIR, "14524.00"),
        (datetime.date(2026, 8, 1), Category.REPAIR, "999.00"),  # in the holidays: neither term
    ]
    for on, category, amount in booked:
        JournalEntryFactory(school=a, occurred_on=on, category=category, amount=Decimal(amount))
    wrong = JournalEntryFactory(school=a, occurred_on=datetime.date(2026, 10, 9), category=Category.REPAIR,
                                amount=Decimal("100.00"))
    JournalEntryFactory(school=a, occurred_on=datetime.date(2026, 10, 10), category=Category.REPAIR,
                        amount=Decimal("-100.00"), reverses=wrong)
    JournalEntryFactory(school=world.schools["b"], occurred_on=datetime.date(2026, 10, 9), amount=Decimal("5"))
    report = services.term_statement(a, autumn, spring)
    rows = {r["code"]: (r["previous"], r["current"], r["saving"]) for r in report["spending"]}
    D = Decimal
    assert rows == {"materials": (D("46046.00"), D("17944.00"), D("28102.00")),
                    "repair": (D("0.00"), D("14524.00"), D("-14524.00")),
                    "canteen": (D("70096.92"), D("54220.50"), D("15876.42"))}
    assert report["saved"] == D("43978.42")  # 第1、2项总计节约 43978.42元 (seed 000)
    assert report["spending_total"] == {"previous": D("116142.92"), "current": D("86688.50"),
                                        "saving": D("29454.42")}
    page = world.client(Role.PRINCIPAL).get(reverse("finance:report_term") + f"?term={autumn.pk}").content.decode()
    assert ("公用经费·专用材料费支出：2026年春季学期46,046.00元，2026年秋季学期17,944.00元，"
            "同期相比节约28,102.00元") in page
    assert "维修经费支出：2026年春季学期0.00元，2026年秋季学期14,524.00元，同期相比增加14,524.00元" in page
    assert "共节约43,978.42元" in page
    assert world.client(Role.TEACHER).get(reverse("finance:report_term")).status_code == 403
    assert world.client(Role.DIRECTOR).get(reverse("finance:report_term") + "?term=999999").status_code == 404
    response = world.client(Role.ACCOUNTANT).get(reverse("finance:report_term") + f"?term={autumn.pk}&format=xlsx")
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert ["支出", "合计", 116142.92, 86688.5, 29454.42] in [[c.value for c in row] for row in ws.iter_rows()]
