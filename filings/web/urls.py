from django.urls import include, path

from . import views

app_name = "web"
urlpatterns: list = [
    path("", views.home, name="home"),
    path("accounts/sign-up/", views.sign_up, name="sign_up"),
    path("accounts/sign-in/", views.sign_in, name="login"),
    path("accounts/sign-out/", views.sign_out, name="logout"),
    path("cabinet/", views.my_cases, name="my_cases"),
    path("cabinet/filings/new/", views.filing_new, name="filing_new"),
    path("cabinet/filings/<int:pk>/", views.filing_detail, name="filing_detail"),
    path(
        "cabinet/filings/<int:pk>/attachments/",
        views.attachment_upload,
        name="attachment_upload",
    ),
    path(
        "cabinet/filings/<int:pk>/attachments/<int:attachment_pk>/delete/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path("cabinet/filings/<int:pk>/sign/", views.filing_sign, name="filing_sign"),
    path("cabinet/filings/<int:pk>/talon.pdf", views.filing_talon, name="filing_talon"),
    path("cabinet/notifications/", views.notifications, name="notifications"),
    path("verify/talon/<str:number>/", views.talon_verify, name="talon_verify"),
    path("", include("filings.web.extra_urls")),  # state duty, powers, sandbox gateway
    path("", include("filings.web.wizard_urls")),  # the guided filing wizard
]
