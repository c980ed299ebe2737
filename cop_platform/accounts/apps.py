from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "cop_platform.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self):
        from django.apps import apps

        from . import receivers

        if apps.is_installed("allauth.mfa"):
            receivers.connect_mfa()
