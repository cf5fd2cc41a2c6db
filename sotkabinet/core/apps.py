from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sotkabinet.core"
    label = "core"
    verbose_name = "Audit, notifications and request plumbing"
