from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "houqin.finance"
    label = "finance"
    verbose_name = "财务"

    def ready(self):
        from houqin.core.menu import section

        from . import home, rules, services, signals  # noqa: F401  (rules, home panels, the budget policy, posting)
        from .menu import ITEMS

        section(self.label, "财务", ITEMS)
