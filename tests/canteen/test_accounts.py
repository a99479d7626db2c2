"""就餐人数与食堂账: the month's accounts equal the sums of their sources to the cent, the
zero-profit balance with its carry-over and margin warning (F1/F5 公益性、不以营利为目的; the
margin a district setting [L]), and the 营养改善补助 fund that pays only for the entitled
students' food (F12 专款专用、严禁补贴教职工伙食); the 公示 page, its print, and the contracts."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from houqin.canteen import services
from houqin.canteen.models import CanteenEntry, CanteenSettings, DinerCount
from houqin.core.choices import Role
from houqin.core.ledger import LedgerError
from houqin.stock import ledger
from tests.stock.factories import ItemFactory, WarehouseFactory

from ..api_contracts import ApiContract, api_client, assert_error
from ..conftest import ALL_ROLES
from ..contracts import PagesContract
from .factories import CanteenEntryFactory, DinerCountFactory

pytestmark = pytest.mark.django_db
SEPT = datetime.date(2026, 9, 1)


def entry(world, kind, amount, day=None, note="", school="a"):
    return services.record_entry(CanteenEntry(school=world.schools[school], date=day or SEPT.replace(day=10),
                                              kind=kind, amount=Decimal(amount), note=note),
                                 by=world.user(Role.CANTEEN, school))


def food_issues(world, school="a"):
    """Rice and oil into the canteen warehouse and some issued in September (and October);
    a return; an issue from the general warehouse, which is not the canteen's."""
    user = world.user(Role.KEEPER, school)
    canteen = WarehouseFactory(school=world.schools[school], name="食堂仓库", kind="canteen")
    general = WarehouseFactory(school=world.schools[school], name="总务仓库")
    rice = ItemFactory(school=world.schools[school], name="大米", unit="袋", category="food")
    oil = ItemFactory(school=world.schools[school], name="食用油", unit="桶", category="food")
    chalk = ItemFactory(school=world.schools[school], name="粉笔", category="office")
    for warehouse in (canteen, general):
        ledger.receive(warehouse=warehouse, item=rice, quantity=Decimal("30"), unit_cost=Decimal("165.00"), by=user,
                       on=datetime.date(2026, 8, 28))
    ledger.receive(warehouse=canteen, item=oil, quantity=Decimal("9"), unit_cost=Decimal("82.33"), by=user,
                   on=datetime.date(2026, 8, 28))
    ledger.receive(warehouse=canteen, item=chalk, quantity=Decimal("9"), unit_cost=Decimal("3.00"), by=user,
                   on=datetime.date(2026, 8, 28))
    moves = []
    for day, item, qty in ((3, rice, "4"), (10, oil, "3"), (17, rice, "5"), (24, oil, "2")):
        moves += ledger.issue(warehouse=canteen, item=item, quantity=Decimal(qty), by=user, on=SEPT.replace(day=day))
    moves.append(ledger.return_to_stock(warehouse=canteen, item=oil, quantity=Decimal("1"), by=user,
                                        on=SEPT.replace(day=28)))
    ledger.issue(warehouse=canteen, item=chalk, quantity=Decimal("2"), by=user, on=SEPT.replace(day=5))  # not food
    ledger.issue(warehouse=general, item=rice, quantity=Decimal("3"), by=user, on=SEPT.replace(day=5))  # not canteen
    ledger.issue(warehouse=canteen, item=rice, quantity=Decimal("2"), by=user, on=datetime.date(2026, 10, 2))
    return moves


# --- the month's accounts equal the sums of their sources ---------------------------------------------


def test_a_months_accounts_equal_the_sums_of_their_sources_to_the_cent(world):
    moves = food_issues(world)
    for day in range(1, 23):
        DinerCountFactory(school=world.schools["a"], date=SEPT.replace(day=day), students=301, entitled_students=97,
                          staff=19)
    entry(world, "subsidy_in", "12000.00", SEPT.replace(day=1))
    incomes = [entry(world, "fees", "10333.33"), entry(world, "fees", "2166.67", SEPT.replace(day=20)),
               entry(world, "other_income", "55.10")]
    costs = [entry(world, "labour", "3200.00"), entry(world, "fuel", "870.45"), entry(world, "fuel", "-20.00",
                                                                                    note="冲销重复登记")]
    subsidy = entry(world, "subsidy_food", "9999.99")
    entry(world, "fees", "777.77", datetime.date(2026, 10, 1))  # next month's
    accounts = services.month_accounts(world.schools["a"], SEPT.replace(day=17))
    issued = -sum(m.amount for m in moves)
    assert accounts["ingredients"] == issued and issued > 0
    assert accounts["fees"] == Decimal("12500.00")
    assert accounts["income"] == sum(e.amount for e in incomes) + subsidy.amount
    assert accounts["costs"] == sum(e.amount for e in costs) + issued
    assert accounts["surplus"] == accounts["income"] - accounts["costs"]
    assert accounts["meals"] == 22 * 320 and accounts["staff_meals"] == 22 * 19
    assert accounts["cost_per_meal"] == (accounts["costs"] / (22 * 320)).quantize(Decimal("0.01"))
    assert accounts["subsidy_opening"] == 0 and accounts["subsidy_closing"] == Decimal("2000.01")
    for value in accounts.values():
        if isinstance(value, Decimal) and value is not accounts["margin"] and value is not accounts["margin_line"]:
            assert value == value.quantize(Decimal("0.01"))


def test_surplus_is_carried_over_to_the_next_month(world):
    entry(world, "fees", "5000.00")
    entry(world, "labour", "4000.00")
    october = services.month_accounts(world.schools["a"], datetime.date(2026, 10, 5))
    assert october["carried_in"] == Decimal("1000.00") and october["surplus"] == 0
    assert october["balance"] == Decimal("1000.00")


def test_zero_profit_margin_warning_at_the_district_setting(world):
    entry(world, "fees", "10000.00")
    entry(world, "labour", "9700.00")  # 3.00 % surplus: at the line, no warning
    assert not services.month_accounts(world.schools["a"], SEPT)["over_margin"]
    entry(world, "other_income", "1.00")  # above it
    assert services.month_accounts(world.schools["a"], SEPT)["over_margin"]
    CanteenSettings.objects.create(school=world.schools["a"], surplus_margin_percent=Decimal("5"))
    school = type(world.schools["a"]).objects.get(pk=world.schools["a"].pk)
    assert not services.month_accounts(school, SEPT)["over_margin"]


# --- 营养改善补助 专款专用 -----------------------------------------------------------------------------


def test_nutrition_subsidy_cannot_pay_for_staff_meals(world):
    """A month with only staff at the table (no entitled students): the fund pays nothing."""
    entry(world, "subsidy_in", "5000.00")
    for day in range(1, 6):
        DinerCountFactory(school=world.schools["a"], date=SEPT.replace(day=day), students=0, entitled_students=0,
                          staff=40)
    with pytest.raises(ValidationError) as refusal:
        entry(world, "subsidy_food", "100.00")
    assert "受助学生" in refusal.value.messages[0] and "教职工" in refusal.value.messages[0]
    assert not CanteenEntry.objects.filter(kind="subsidy_food").exists()


def test_nutrition_subsidy_pays_at_most_the_entitled_student_days_at_the_standard(world):
    entry(world, "subsidy_in", "5000.00")
    for day in range(1, 3):  # 2 days × 100 entitled (the day's largest meal) × 5.00 = 1000.00
        DinerCountFactory(school=world.schools["a"], date=SEPT.replace(day=day), meal="lunch", entitled_students=100)
        DinerCountFactory(school=world.schools["a"], date=SEPT.replace(day=day), meal="dinner", entitled_students=80)
    entry(world, "subsidy_food", "1000.00")
    with pytest.raises(ValidationError, match="至多 1,000.00 元"):
        entry(world, "subsidy_food", "0.01")


def test_nutrition_subsidy_is_its_own_fund_and_cannot_overspend(world):
    DinerCountFactory(school=world.schools["a"], date=SEPT.replace(day=2), entitled_students=200)
    entry(world, "subsidy_in", "300.00")
    with pytest.raises(ValidationError, match="余额 300.00 元"):
        entry(world, "subsidy_food", "300.01")
    assert {e.kind: e.fund for e in CanteenEntry.objects.all()} == {"subsidy_in": "subsidy"}
    assert entry(world, "labour", "50.00").fund == "canteen"


def test_a_correction_says_why_and_zero_is_refused(world):
    with pytest.raises(ValidationError, match="写明原因"):
        entry(world, "fuel", "-10.00")
    with pytest.raises(ValidationError, match="不能为零"):
        entry(world, "fuel", "0")


@pytest.mark.parametrize("sql", ["UPDATE {t} SET amount = 1", "DELETE FROM {t}"])
def test_the_books_are_append_only_at_the_database(world, sql):
    """A mistake is reversed by a new entry, never edited: the ORM and the database refuse both."""
    kept = entry(world, "fuel", "120.00")
    with pytest.raises(LedgerError):
        kept.save()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql.format(t=CanteenEntry._meta.db_table))
    assert CanteenEntry.objects.get().amount == Decimal("120.00")


def test_diner_counts_entitled_among_the_students_once_a_meal(world):
    count = DinerCount(school=world.schools["a"], date=SEPT, meal="lunch", students=10, entitled_students=11)
    with pytest.raises(ValidationError, match="不能多于"):
        services.record_diners(count, by=world.user(Role.CANTEEN))
    DinerCountFactory(school=world.schools["a"], date=SEPT, meal="lunch")
    with pytest.raises(ValidationError, match="已登记"):
        services.record_diners(DinerCount(school=world.schools["a"], date=SEPT, meal="lunch", students=5),
                               by=world.user(Role.CANTEEN))


def test_subsidy_refused_through_the_api_in_chinese(world):
    response = api_client(world, Role.CANTEEN).post("/api/v1/canteen-entries/", {
        "date": str(SEPT), "kind": "subsidy_food", "amount": "10.00"}, format="json")
    assert_error(response)


# --- the 公示 page, its print and the API ---------------------------------------------------------------


@pytest.mark.parametrize("role", ALL_ROLES)
def test_accounts_notice_is_open_to_everyone_in_the_school(world, role):
    CanteenEntryFactory(school=world.schools["a"], amount=Decimal("1234.56"))
    CanteenEntryFactory(school=world.schools["b"], amount=Decimal("6543.21"))
    client = world.client(role)
    for name in ("canteen:accounts", "canteen:accounts_print"):
        page = client.get(reverse(name), {"month": "2026-09-01"})
        assert page.status_code == 200
        text = page.content.decode()
        assert "1,234.56" in text and "6,543.21" not in text
    api = api_client(world, role).get("/api/v1/canteen-entries/accounts/", {"month": "2026-09-30"})
    assert api.status_code == 200 and api.json()["fees"] == "1234.56"


def test_accounts_page_warns_above_the_margin(world):
    CanteenEntryFactory(school=world.schools["a"], amount=Decimal("1000.00"))
    page = world.client(Role.PRINCIPAL).get(reverse("canteen:accounts"), {"month": "2026-09-01"}).content.decode()
    assert "超过预警线" in page


def test_accounts_page_queries_do_not_grow_with_entries(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = world.client(Role.DIRECTOR)
    CanteenEntryFactory(school=world.schools["a"])
    DinerCountFactory(school=world.schools["a"])
    client.get(reverse("canteen:accounts"), {"month": "2026-09-01"})
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("canteen:accounts"), {"month": "2026-09-01"})
    for _ in range(10):
        CanteenEntryFactory(school=world.schools["a"], kind="labour")
        DinerCountFactory(school=world.schools["a"])
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("canteen:accounts"), {"month": "2026-09-01"})
    assert len(many) == len(few)


# --- contracts ---------------------------------------------------------------------------------------


class TestDinerCountPages(PagesContract):
    model = DinerCount
    factory = DinerCountFactory

    def valid_form(self, world):
        return {"date": "2026-10-09", "meal": "lunch", "students": 310, "entitled_students": 100, "staff": 22}

    def edit_form(self, world, obj):
        return {"date": obj.date, "meal": obj.meal, "students": 299, "entitled_students": 100, "staff": 22,
                "loaded_at": obj.updated_at.isoformat()}


class TestCanteenEntryPages(PagesContract):
    model = CanteenEntry
    factory = CanteenEntryFactory

    def valid_form(self, world):
        return {"date": "2026-10-09", "kind": "fees", "amount": "8800.50", "note": "10月伙食费"}


class TestDinerCountApi(ApiContract):
    model = DinerCount
    factory = DinerCountFactory
    path = "diner-counts"

    def valid_payload(self, world):
        return {"date": "2026-10-12", "meal": "lunch", "students": 280, "entitled_students": 90, "staff": 18}

    def edit_payload(self, world, obj):
        return {"staff": 25}


class TestCanteenEntryApi(ApiContract):
    model = CanteenEntry
    factory = CanteenEntryFactory
    path = "canteen-entries"

    def valid_payload(self, world):
        return {"date": "2026-10-12", "kind": "fuel", "amount": "650.00", "note": "液化气"}

    def test_malformed_payload_writes_nothing(self, world):  # entries are never changed: the posting half
        client, count = api_client(world, Role.CANTEEN), self.model.objects.count()
        for body in (self.wrong_types(world), {}, [1, 2], "text"):
            assert_error(client.post(self.url(), body, format="json"))
        assert self.model.objects.count() == count
