import houqin.core.ledger
from django.db import migrations


class Migration(migrations.Migration):
    """The canteen's books are a ledger: the database refuses UPDATE and DELETE of an entry."""

    dependencies = [("canteen", "0003_canteen_accounts")]

    operations = [houqin.core.ledger.AppendOnlyTriggers("canteenentry")]
