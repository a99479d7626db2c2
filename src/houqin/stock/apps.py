from django.apps import AppConfig


class StockConfig(AppConfig):
    name = "houqin.stock"
    label = "stock"
    verbose_name = "库房"

    def ready(self):
        from houqin.core.menu import section

        from . import rules, services  # noqa: F401  (the rules table and the approval policies)
        from .menu import ITEMS

        section("库房", ITEMS)
