from django.urls import include, path

from . import views

urlpatterns = [
    path("", include("registry.api.acts_urls")),
    path("registry/queue/", views.QueueView.as_view(), name="registry-queue"),
    path(
        "registry/filings/<int:filing_id>/register/",
        views.RegisterView.as_view(),
        name="registry-register",
    ),
    path(
        "registry/filings/<int:filing_id>/reject/",
        views.RejectView.as_view(),
        name="registry-reject",
    ),
]
