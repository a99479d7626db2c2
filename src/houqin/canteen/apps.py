from django.apps import AppConfig


class CanteenConfig(AppConfig):
    name = "houqin.canteen"
    label = "canteen"
    verbose_name = "食堂"

    def ready(self):
        from houqin.core.menu import section

        from . import home, rules  # noqa: F401  (the rules table and the home-page panels)
        from .menu import ITEMS

        section(self.label, "食堂", ITEMS)
