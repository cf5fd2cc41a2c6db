from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "sotkabinet.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"
