from django.apps import AppConfig


class SignaturesConfig(AppConfig):
    name = "sotkabinet.signatures"
    label = "signatures"
    verbose_name = "ЭЦҚ: trust store, CRLs and verification"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the trust-version receivers
