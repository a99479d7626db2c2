from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "houqin.core"
    label = "core"
    verbose_name = "基础"
