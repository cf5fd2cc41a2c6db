from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("Registry (clerk's desk), cases and judicial acts")

    def ready(self) -> None:
        from . import policies  # noqa: F401  (registers object-level access rules)
