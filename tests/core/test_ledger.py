"""The append-only ledger helper, on the example CashEntry ledger."""

from decimal import Decimal

import pytest
from django.db import DatabaseError, connection, transaction

from houqin.core.ledger import LedgerError
from tests.exampleapp.models import CashEntry


@pytest.fixture
def entry(world):
    return CashEntry.objects.create(school=world.schools["a"], amount=Decimal("46046.00"), memo="易耗品",
                                    created_by=world.user("accountant"))


def test_entries_cannot_be_changed_or_deleted(entry):
    entry.amount = Decimal("1.00")
    with pytest.raises(LedgerError):
        entry.save()
    with pytest.raises(LedgerError):
        entry.delete()
    with pytest.raises(LedgerError):
        CashEntry.objects.filter(pk=entry.pk).update(amount=0)
    with pytest.raises(LedgerError):
        CashEntry.objects.all().delete()
    assert CashEntry.objects.get().amount == Decimal("46046.00")


@pytest.mark.parametrize("sql", ["UPDATE {t} SET amount = -1", "DELETE FROM {t}"])
def test_the_database_refuses_raw_changes(entry, sql):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql.format(t=CashEntry._meta.db_table))
    assert CashEntry.objects.get().amount == Decimal("46046.00")


def test_a_mistake_is_corrected_by_a_reversing_entry(entry, world):
    reversal = entry.reversal(by=world.user("director"), memo="冲销：金额录错")
    reversal.save()
    assert reversal.amount == Decimal("-46046.00") and reversal.reverses == entry
    assert sum(e.amount for e in CashEntry.objects.all()) == Decimal("0.00")
    with pytest.raises(LedgerError, match="已冲销"):
        entry.reversal(by=world.user("director"))
    with pytest.raises(LedgerError, match="不能再冲销"):
        reversal.reversal(by=world.user("director"))
