from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "Registry (clerk's desk), cases and judicial acts"

    def ready(self) -> None:
        from . import policies  # noqa: F401  (registers object-level access rules)
