"""What the route walk cannot derive for stock (see tests/declared.py)."""

ROUTE_MODEL = {"stock:item_import_job": "core.ImportJob"}
