from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "houqin.safety"
    label = "safety"
    verbose_name = "安全"

    def ready(self):
        from houqin.core.menu import section

        from . import home, rules, signals  # noqa: F401  (the rules table, the home panels, work-order outcomes)
        from .menu import ITEMS

        section(self.label, "安全", ITEMS)
