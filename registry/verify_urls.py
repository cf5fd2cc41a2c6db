"""Public verification of judicial acts, mounted at /verify/ (SPEC R-ECP-6)."""

from django.urls import path

from .verify_views import verify_act_view

urlpatterns = [
    path("<str:code>/", verify_act_view, name="verify-act"),
]
