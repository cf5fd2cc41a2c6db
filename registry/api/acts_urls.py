"""Routes of the case card and judicial acts (docs/api.md).

Included by registry/api/urls.py under /api/v1/.
"""

from django.urls import path

from . import acts_views as views
from . import closed_views

urlpatterns = [
    path("cases/<int:case_id>/", views.CaseDetailView.as_view(), name="api-case-detail"),
    path("cases/<int:case_id>/acts/", views.CaseActsView.as_view(), name="api-case-acts"),
    path(
        "cases/<int:case_id>/closed/",
        closed_views.CaseClosedView.as_view(),
        name="api-case-closed",
    ),
    path("acts/<int:act_id>/", views.ActDetailView.as_view(), name="api-act-detail"),
    path("acts/<int:act_id>/document/", views.ActDocumentView.as_view(), name="api-act-document"),
    path(
        "acts/<int:act_id>/signing-payload/",
        views.ActSigningPayloadView.as_view(),
        name="api-act-signing-payload",
    ),
    path("acts/<int:act_id>/sign/", views.ActSignView.as_view(), name="api-act-sign"),
    path(
        "acts/<int:act_id>/legal-force-payload/",
        views.ActLegalForcePayloadView.as_view(),
        name="api-act-legal-force-payload",
    ),
    path(
        "acts/<int:act_id>/legal-force/",
        views.ActLegalForceView.as_view(),
        name="api-act-legal-force",
    ),
    path("acts/<int:act_id>/pdf/", views.ActPdfView.as_view(), name="api-act-pdf"),
    path("staff/<str:login>/absence/", views.StaffAbsenceView.as_view(), name="api-staff-absence"),
]
