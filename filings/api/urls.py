from django.urls import include, path

from . import views

urlpatterns: list = [
    path("filings/", views.FilingListCreateView.as_view(), name="api-filings"),
    path("filings/<int:pk>/", views.FilingDetailView.as_view(), name="api-filing"),
    path(
        "filings/<int:pk>/attachments/",
        views.AttachmentCreateView.as_view(),
        name="api-filing-attachments",
    ),
    path(
        "filings/<int:pk>/attachments/<int:attachment_pk>/",
        views.AttachmentDetailView.as_view(),
        name="api-filing-attachment",
    ),
    path(
        "filings/<int:pk>/signing-payload/",
        views.SigningPayloadView.as_view(),
        name="api-filing-signing-payload",
    ),
    path("filings/<int:pk>/submit/", views.SubmitView.as_view(), name="api-filing-submit"),
    path("filings/<int:pk>/talon.pdf", views.TalonView.as_view(), name="api-filing-talon"),
    path("notifications/", views.NotificationListView.as_view(), name="api-notifications"),
    path(
        "notifications/<int:pk>/",
        views.NotificationDetailView.as_view(),
        name="api-notification",
    ),
    path("", include("filings.api.extra_urls")),  # state duty and powers of attorney
]
