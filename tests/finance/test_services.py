"""The finance services: the budget through the approval engine, the figures computed by
query, the append-only journal (at the database too), the month close, and the posting of
an audited reimbursement voucher against its budget line."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from houqin.core.choices import Role
from houqin.core.ledger import LedgerError
from houqin.finance import services
from houqin.finance.choices import BudgetStatus, Category, Direction
from houqin.finance.models import BudgetLine, JournalEntry, MonthClose, RequestCharge
from houqin.procurement import services as procurement
from tests.procurement.factories import approved, voucher

from .factories import BudgetLineFactory, JournalEntryFactory, MonthCloseFactory, approved_line, entry, user

pytestmark = pytest.mark.django_db
D = Decimal


def audit(made):
    """The three signatures of a voucher: the buyer, an acceptor, the accountant (审核人)."""
    made.refresh_from_db()
    roles = {"handler": Role.BUYER, "acceptor": Role.TEACHER, "auditor": Role.ACCOUNTANT}
    while procurement.next_signature(made):
        procurement.sign_voucher(made, by=user(made.school, roles[procurement.next_signature(made)]))
        made.refresh_from_db()
    made.refresh_from_db()
    return made


# --- the budget ------------------------------------------------------------------------------


def test_a_line_is_approved_by_the_director_and_the_principal(world):
    a = world.schools["a"]
    line = services.save_line(BudgetLine(school=a, year=2026, category=Category.SPECIAL, name="屋顶防水工程",
                                         amount=D("85000")), by=world.user(Role.ACCOUNTANT))
    with pytest.raises(PermissionDenied, match="会计"):
        services.submit_line(line, by=world.user(Role.DIRECTOR))
    with pytest.raises(PermissionDenied):
        services.save_line(BudgetLine(school=a, year=2026, category=Category.OFFICE, name="x", amount=D("1")),
                           by=world.user(Role.PRINCIPAL))
    services.submit_line(line, by=world.user(Role.ACCOUNTANT))
    from houqin.core import approvals

    approval = approvals.latest(line)
    assert [s["label"] for s in approval.steps] == ["总务主任审核", "校长审批"]
    with pytest.raises(ValidationError, match="不能修改"):
        line.amount = D("90000")
        services.save_line(line, by=world.user(Role.ACCOUNTANT))
    with pytest.raises(PermissionDenied):
        approvals.sign(approval, by=world.user(Role.ACCOUNTANT), decision="approve")
    approvals.sign(approval, by=world.user(Role.DIRECTOR), decision="approve")
    approvals.sign(approval, by=world.user(Role.PRINCIPAL), decision="approve")
    line.refresh_from_db()
    assert line.status == BudgetStatus.APPROVED and line.amount == D("85000.00")


def test_an_unapproved_line_is_neither_charged_nor_spent(world):
    a = world.schools["a"]
    draft = BudgetLineFactory(school=a)
    with pytest.raises(ValidationError, match="尚未批准"):
        entry(a, "10.00", line=draft)
    req = approved(a, "300.00")
    with pytest.raises(ValidationError, match="尚未批准"):
        services.charge_request(RequestCharge(school=a, request=req, line=draft), by=world.user(Role.ACCOUNTANT))


def test_figures_are_computed_in_one_query_per_list(world, django_assert_num_queries):
    a = world.schools["a"]
    line = approved_line(a, "10000.00")
    other = approved_line(a, "500.00", name="办公费", category=Category.OFFICE)
    req = approved(a, "800.00")
    services.charge_request(RequestCharge(school=a, request=req, line=line), by=world.user(Role.DIRECTOR))
    entry(a, "1200.00", line=line)
    wrong = entry(a, "50.00", line=line)
    services.reverse_entry(wrong, by=world.user(Role.ACCOUNTANT), note="记错")
    entry(a, "600.00", line=other)
    entry(a, "5000.00", direction=Direction.INCOME)
    with django_assert_num_queries(1):
        rows = {r.name: (r.amount, r.committed, r.spent, r.left)
                for r in BudgetLine.objects.with_figures().filter(school=a)}
    assert rows["公用经费"] == (D("10000.00"), D("800.00"), D("1200.00"), D("8000.00"))
    assert rows["办公费"] == (D("500.00"), D("0.00"), D("600.00"), D("-100.00"))


# --- the journal -----------------------------------------------------------------------------


def test_entries_cannot_be_changed_or_deleted(world):
    made = entry(world.schools["a"], "46046.00")
    made.amount = D("1.00")
    with pytest.raises(LedgerError):
        made.save()
    with pytest.raises(LedgerError):
        made.delete()
    with pytest.raises(LedgerError):
        JournalEntry.objects.filter(pk=made.pk).update(amount=0)
    with pytest.raises(LedgerError):
        JournalEntry.objects.all().delete()
    with pytest.raises(ValidationError, match="不能修改"):
        services.record_entry(made, by=world.user(Role.ACCOUNTANT))


@pytest.mark.parametrize("model", [JournalEntry, MonthClose])
@pytest.mark.parametrize("sql", ["UPDATE {t} SET year = 1", "DELETE FROM {t}"])
def test_the_database_refuses_raw_changes(world, model, sql):
    """On SQLite and on PostgreSQL alike (the suite runs on both): the table's triggers."""
    made = JournalEntryFactory(school=world.schools["a"]) if model is JournalEntry else \
        MonthCloseFactory(school=world.schools["a"])
    sql = sql.replace("year", "amount") if model is JournalEntry else sql
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql.format(t=model._meta.db_table))
    assert model.objects.filter(pk=made.pk).exists()


def test_income_and_spending_keep_their_own_categories(world):
    a = world.schools["a"]
    with pytest.raises(ValidationError, match="不是收入科目"):
        entry(a, "10.00", direction=Direction.INCOME, category=Category.OFFICE)
    with pytest.raises(ValidationError, match="不是支出科目"):
        entry(a, "10.00", category=Category.FEES)
    with pytest.raises(ValidationError, match="大于零"):
        entry(a, "-10.00")
    with pytest.raises(PermissionDenied):
        services.record_entry(JournalEntry(school=a, occurred_on=timezone.localdate(), direction=Direction.SPENDING,
                                           category=Category.OFFICE, amount=D("1"), summary="x"),
                              by=world.user(Role.DIRECTOR))


def test_a_closed_month_refuses_entries_and_reversals(world):
    a = world.schools["a"]
    made = entry(a, "80.00")
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.close_month(MonthClose(school=a, year=today.year, month=today.month), by=world.user(Role.DIRECTOR))
    services.close_month(MonthClose(school=a, year=today.year, month=today.month), by=world.user(Role.ACCOUNTANT))
    with pytest.raises(ValidationError, match=f"{today.year}年{today.month}月已结账"):
        entry(a, "10.00")
    with pytest.raises(ValidationError, match="已结账"):
        services.reverse_entry(made, by=world.user(Role.ACCOUNTANT))
    with pytest.raises(ValidationError, match="已结账"):
        services.close_month(MonthClose(school=a, year=today.year, month=today.month), by=world.user(Role.ACCOUNTANT))
    nxt = (today.year + (today.month == 12), today.month % 12 + 1)
    with pytest.raises(ValidationError, match="还没有到"):
        services.close_month(MonthClose(school=a, year=nxt[0], month=nxt[1]), by=world.user(Role.ACCOUNTANT))
    entry(world.schools["b"], "10.00")  # another school's month is its own


def test_the_month_report_nets_reversals(world):
    a = world.schools["a"]
    today = timezone.localdate()
    entry(a, "30000.00", direction=Direction.INCOME)
    entry(a, "650.00")
    services.reverse_entry(entry(a, "99.00"), by=world.user(Role.ACCOUNTANT))
    entry(a, "1200.00", category=Category.UTILITIES)
    report = services.month_report(a, today.year, today.month)
    rows = {r["code"]: r for r in report["rows"]}
    assert rows["office"]["spending"] == D("650.00") and rows["utilities"]["spending"] == D("1200.00")
    assert report["total"] == {"income": D("30000.00"), "spending": D("1850.00"), "income_year": D("30000.00"),
                               "spending_year": D("1850.00")}


# --- posting ---------------------------------------------------------------------------------


def test_an_audited_voucher_posts_itself_against_its_charged_line(world):
    a = world.schools["a"]
    line = approved_line(a, "5000.00", name="办公费", category=Category.OFFICE)
    made = voucher(a, "700.00")
    request = made.acceptance.order.request
    services.charge_request(RequestCharge(school=a, request=request, line=line), by=world.user(Role.DIRECTOR))
    assert services.figures(line).committed == D("700.00")
    for role in (Role.BUYER, Role.TEACHER):
        procurement.sign_voucher(made, by=user(a, role))
    assert not JournalEntry.objects.exists()  # not before the audit
    audit(made)
    posted = JournalEntry.objects.get()
    assert (posted.budget_line, posted.amount, posted.direction, posted.category) == (line, D("700.00"),
                                                                                    Direction.SPENDING, "office")
    assert posted.source == made and posted.created_by == world.user(Role.ACCOUNTANT)
    assert posted.voucher_number == made.invoice_number
    figures = services.figures(line)
    assert (figures.committed, figures.spent, figures.left) == (D("0.00"), D("700.00"), D("4300.00"))
    assert services.post_voucher(made, by=world.user(Role.ACCOUNTANT)) == posted  # once only
    assert JournalEntry.objects.count() == 1


def test_an_uncharged_voucher_posts_to_the_line_named_as_its_fund(world):
    a = world.schools["a"]
    line = approved_line(a, "60000.00", name="公用经费")  # the request's 经费来源 text
    audit(voucher(a, "300.00"))
    assert JournalEntry.objects.get().budget_line == line


def test_a_voucher_audited_in_a_closed_month_is_refused_whole(world):
    a = world.schools["a"]
    made = voucher(a, "300.00")
    for role in (Role.BUYER, Role.TEACHER):
        procurement.sign_voucher(made, by=user(a, role))
    MonthCloseFactory(school=a, year=timezone.localdate().year, month=timezone.localdate().month)
    with pytest.raises(ValidationError, match="已结账"):
        procurement.sign_voucher(made, by=user(a, Role.ACCOUNTANT))
    made.refresh_from_db()
    assert made.auditor_id is None and not JournalEntry.objects.exists()
