from django.apps import AppConfig


class CourtsConfig(AppConfig):
    name = "sotkabinet.courts"
    label = "courts"
    verbose_name = "Courts and the working calendar"
