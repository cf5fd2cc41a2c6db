from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sotkabinet.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        from . import tokens  # noqa: F401 - connects the token revocation on password change
