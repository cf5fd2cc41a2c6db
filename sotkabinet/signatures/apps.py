from django.apps import AppConfig


class SignaturesConfig(AppConfig):
    name = "sotkabinet.signatures"
    label = "signatures"
    verbose_name = "ЭЦҚ: trust store, CRLs and verification"
