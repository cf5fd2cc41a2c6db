"""Routes of the guided filing wizard (filings/web/wizard.py), included in the "web" namespace."""

from django.urls import path

from . import wizard

urlpatterns = [
    path("cabinet/file/", wizard.wizard_start, name="wizard_start"),
    path("cabinet/file/<str:step>/", wizard.wizard_new_step, name="wizard_new_step"),
    path("cabinet/filings/<int:pk>/continue/", wizard.wizard_resume, name="wizard_resume"),
    path("cabinet/filings/<int:pk>/steps/<str:step>/", wizard.wizard_step, name="wizard_step"),
    path(
        "cabinet/filings/<int:pk>/steps/files/upload/", wizard.wizard_upload, name="wizard_upload"
    ),
    path(
        "cabinet/filings/<int:pk>/steps/files/<int:attachment_pk>/",
        wizard.wizard_attachment,
        name="wizard_attachment",
    ),
]
