"""Archive endpoints (docs/api.md), included at /api/v1/."""

from django.urls import path

from . import views

urlpatterns: list = [
    path("cases/<int:pk>/inventory/", views.InventoryView.as_view(), name="api-case-inventory"),
    path("cases/<int:pk>/archive/", views.TransferView.as_view(), name="api-case-archive"),
    path("archive/", views.TransferListView.as_view(), name="api-archive-list"),
    path("archive/due/", views.DueView.as_view(), name="api-archive-due"),
    path(
        "archive/disposal-candidates/",
        views.DisposalCandidatesView.as_view(),
        name="api-archive-disposal-candidates",
    ),
    path("archive/<int:pk>/", views.TransferDetailView.as_view(), name="api-archive"),
    path("archive/<int:pk>/verify/", views.VerifyView.as_view(), name="api-archive-verify"),
    path(
        "archive/<int:pk>/paper-copy.pdf",
        views.PaperCopyView.as_view(),
        name="api-archive-paper-copy",
    ),
    path("archive/<int:pk>/export.zip", views.ExportView.as_view(), name="api-archive-export"),
    path(
        "archive/<int:pk>/items/<int:item_id>/",
        views.ItemDownloadView.as_view(),
        name="api-archive-item",
    ),
    path("archive/<int:pk>/disposal/", views.DisposalView.as_view(), name="api-archive-disposal"),
]
