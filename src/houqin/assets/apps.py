from django.apps import AppConfig


class AssetsConfig(AppConfig):
    name = "houqin.assets"
    label = "assets"
    verbose_name = "校产"

    def ready(self):
        from houqin.core.menu import section

        from . import rules, services  # noqa: F401  (the rules table and the approval policies)
        from .menu import ITEMS

        section(self.label, "校产", ITEMS)
