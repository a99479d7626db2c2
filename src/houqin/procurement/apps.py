from django.apps import AppConfig


class ProcurementConfig(AppConfig):
    name = "houqin.procurement"
    label = "procurement"
    verbose_name = "采购"

    def ready(self):
        from houqin.core.menu import section

        from . import home, rules, services  # noqa: F401  (home panel, rules table, approval policies)
        from .menu import ITEMS

        section(self.label, "采购", ITEMS)
