from django.apps import AppConfig


class MaintenanceConfig(AppConfig):
    name = "houqin.maintenance"
    label = "maintenance"
    verbose_name = "维修"

    def ready(self):
        from houqin.core.menu import section

        from . import home, rules  # noqa: F401  (the rules table and the home-page panels)
        from .menu import ITEMS

        section(self.label, "维修", ITEMS)
