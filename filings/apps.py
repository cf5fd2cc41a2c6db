from django.apps import AppConfig


class FilingsConfig(AppConfig):
    name = "filings"
    verbose_name = "Filings (applicant's cabinet)"

    def ready(self) -> None:
        from . import policies  # noqa: F401  (registers object-level access rules)
