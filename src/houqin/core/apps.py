from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "houqin.core"
    label = "core"
    verbose_name = "基础"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import tokens
        from .middleware import stamp_new_session

        tokens.connect()  # tokens die with the password, the account and the role
        user_logged_in.connect(stamp_new_session, dispatch_uid="houqin-session-stamp")
