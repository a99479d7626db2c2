from django.apps import AppConfig


class StockConfig(AppConfig):
    name = "houqin.stock"
    label = "stock"
    verbose_name = "库房"

    def ready(self):
        from houqin.core.menu import place, section

        from . import rules, services  # noqa: F401  (the rules table and the approval policies)
        from .menu import ITEMS, REPORTS

        section(self.label, "库房", ITEMS)
        place(self.label, REPORTS)
