from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "houqin.core"
    label = "core"
    verbose_name = "基础"

    def ready(self):
        from . import tokens

        tokens.connect()  # tokens die with the password, the account and the role
