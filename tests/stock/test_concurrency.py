"""The acceptance test of the stock ledger under concurrency: 20 keepers issue the last 10
units at the same moment. Exactly 10 succeed, the balance ends at 0 and is never negative,
and the ledger sums to the balance with every issued unit in it.

On PostgreSQL (CI runs the suite again with DATABASE_URL set) the balance row is locked with
SELECT … FOR UPDATE; on SQLite the write transactions are IMMEDIATE (settings), which
serialises writers. Both are tested with real threads and real commits
(`transaction=True`); the sequential guard is tested on every database."""

import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, close_old_connections, connection, connections, transaction
from django.db.models import Min, Sum

from houqin.core.choices import Role
from houqin.core.ledger import AppendOnlyTriggers
from houqin.core.models import Membership
from houqin.stock import services
from houqin.stock.choices import MovementKind
from houqin.stock.models import Movement, StockBalance
from tests.factories import DistrictFactory, SchoolFactory, UserFactory

from .factories import ItemFactory, WarehouseFactory

THREADS, IN_STOCK = 20, 10
D = Decimal


@pytest.fixture
def ledger_cleanup():
    """A transactional test ends with a flush. PostgreSQL truncates (no row triggers fire);
    SQLite deletes row by row, which the append-only triggers refuse: lift them for the
    clean-up only, then put them back."""
    yield
    if connection.vendor != "sqlite":
        return
    table = Movement._meta.db_table
    with connection.cursor() as cursor:
        for sql in AppendOnlyTriggers.backward_sql("sqlite", table):
            cursor.execute(sql)
        cursor.execute(f"DELETE FROM {table}")
        for sql in AppendOnlyTriggers.forward_sql("sqlite", table):
            cursor.execute(sql)


def setup_store():
    school = SchoolFactory(district=DistrictFactory())
    keeper = UserFactory()
    Membership.objects.create(user=keeper, school=school, role=Role.KEEPER)
    warehouse, item = WarehouseFactory(school=school), ItemFactory(school=school)
    services.receive(warehouse=warehouse, item=item, quantity=IN_STOCK, unit_cost=D("3.00"), by=keeper)
    return warehouse, item, keeper


def issue_one(warehouse, item, keeper, n, wait_on_lock):
    """One keeper's issue in its own transaction. The test database of SQLite is in memory
    with a shared cache, whose table locks fail at once (SQLITE_LOCKED) where the file
    database of a deployment waits on busy_timeout: `wait_on_lock` does that waiting."""
    for _attempt in range(2000 if wait_on_lock else 1):
        try:
            with transaction.atomic():
                return services.issue(warehouse=warehouse, item=item, quantity=1, by=keeper, note=f"领用{n}")[0]
        except OperationalError as error:
            if not (wait_on_lock and "locked" in str(error)):
                raise
            time.sleep(0.005)
    raise AssertionError("still locked after 10 s")


def race(warehouse, item, keeper, wait_on_lock=False):
    """20 threads, released together, each issuing one unit in its own transaction."""
    barrier = threading.Barrier(THREADS)
    results, lock = [], threading.Lock()

    def worker(n):
        try:
            barrier.wait(timeout=30)
            outcome = ("ok", issue_one(warehouse, item, keeper, n, wait_on_lock).pk)
        except ValidationError as error:
            outcome = ("refused", error.messages[0])
        except Exception as error:  # pragma: no cover - reported by the assertion below
            outcome = ("error", repr(error))
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    close_old_connections()
    return results


def assert_ledger_holds(warehouse, item, results):
    errors = [r for r in results if r[0] == "error"]
    assert errors == [], errors
    ok = [pk for kind, pk in results if kind == "ok"]
    refused = [why for kind, why in results if kind == "refused"]
    assert (len(ok), len(refused)) == (IN_STOCK, THREADS - IN_STOCK)
    assert all("库存不足" in why for why in refused)
    balance = StockBalance.objects.get(warehouse=warehouse, item=item)
    assert (balance.quantity, balance.value) == (D("0"), D("0.00"))
    movements = Movement.objects.filter(warehouse=warehouse, item=item)
    sums = movements.aggregate(q=Sum("quantity"), v=Sum("amount"), low=Min("balance_quantity"))
    assert (sums["q"], sums["v"]) == (balance.quantity, balance.value)
    assert sums["low"] >= 0  # never negative, after any movement
    issues = movements.filter(kind=MovementKind.ISSUE)
    assert sorted(issues.values_list("pk", flat=True)) == sorted(ok)  # every issued unit is in the ledger
    assert issues.aggregate(q=Sum("quantity"))["q"] == -IN_STOCK
    # The running balances after each issue are 9, 8, … 0: each saw the one before it.
    assert sorted(issues.values_list("balance_quantity", flat=True)) == [D(n) for n in range(IN_STOCK)]


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_issues_of_the_last_ten_units_on_postgresql(ledger_cleanup):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (row locks): run with DATABASE_URL=postgres://…, as CI does; "
                    "the SQLite variant below covers SQLite")
    warehouse, item, keeper = setup_store()
    assert_ledger_holds(warehouse, item, race(warehouse, item, keeper))


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_issues_of_the_last_ten_units_on_sqlite(ledger_cleanup):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only (IMMEDIATE write transactions); the PostgreSQL variant above covers PostgreSQL")
    warehouse, item, keeper = setup_store()
    assert_ledger_holds(warehouse, item, race(warehouse, item, keeper, wait_on_lock=True))


@pytest.mark.django_db
def test_sequential_guard_refuses_the_eleventh_unit():
    warehouse, item, keeper = setup_store()
    results = []
    for n in range(THREADS):
        try:
            results.append(("ok", services.issue(warehouse=warehouse, item=item, quantity=1, by=keeper,
                                                 note=f"领用{n}")[0].pk))
        except ValidationError as error:
            results.append(("refused", error.messages[0]))
    assert_ledger_holds(warehouse, item, results)
