from django.apps import AppConfig


class EnforcementConfig(AppConfig):
    name = "enforcement"
    verbose_name = "Enforcement: executive documents and bailiffs"

    def ready(self) -> None:
        from . import policies  # noqa: F401  (registers object-level access rules)
