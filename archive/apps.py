from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "Electronic archive"

    def ready(self) -> None:
        from . import policies  # noqa: F401  (registers object-level access rules)
