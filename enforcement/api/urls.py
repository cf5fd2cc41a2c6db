"""Enforcement endpoints (docs/api.md) and the АИС ОИП stand-in (`ais-oip/`)."""

from django.urls import path

from enforcement.chamber import api as chamber

from . import views

urlpatterns: list = [
    # The court's side.
    path("acts/<int:pk>/writs/", views.ActWritCreateView.as_view(), name="api-act-writs"),
    path("writs/", views.WritListView.as_view(), name="api-writs"),
    path("writs/<int:pk>/", views.WritDetailView.as_view(), name="api-writ"),
    path(
        "writs/<int:pk>/signing-payload/",
        views.WritSigningPayloadView.as_view(),
        name="api-writ-signing-payload",
    ),
    path("writs/<int:pk>/sign/", views.WritSignView.as_view(), name="api-writ-sign"),
    path("writs/<int:pk>/resubmit/", views.WritResubmitView.as_view(), name="api-writ-resubmit"),
    # The bailiff and the regional chamber.
    path(
        "enforcement/writs/<int:pk>/status/",
        views.BailiffStatusView.as_view(),
        name="api-enforcement-writ-status",
    ),
    path(
        "enforcement/writs/<int:pk>/reassign/",
        chamber.WritReassignView.as_view(),
        name="api-enforcement-writ-reassign",
    ),
    path(
        "enforcement/report/",
        chamber.DistributionReportView.as_view(),
        name="api-enforcement-report",
    ),
    path("enforcement/bailiffs/", chamber.BailiffListView.as_view(), name="api-bailiffs"),
    path(
        "enforcement/bailiffs/<str:login>/",
        chamber.BailiffDetailView.as_view(),
        name="api-bailiff",
    ),
    path(
        "enforcement/bailiffs/<str:login>/absences/",
        chamber.BailiffAbsenceView.as_view(),
        name="api-bailiff-absences",
    ),
    path(
        "enforcement/bailiffs/<str:login>/redistribute/",
        chamber.BailiffRedistributeView.as_view(),
        name="api-bailiff-redistribute",
    ),
    # The АИС ОИП stand-in (R-ENF-3): what settings.ENFORCEMENT_API_URL points at by default.
    path("ais-oip/writs/", chamber.RegistrationCreateView.as_view(), name="ais-oip-writs"),
    path(
        "ais-oip/writs/<str:number>/",
        chamber.RegistrationDetailView.as_view(),
        name="ais-oip-writ",
    ),
]
