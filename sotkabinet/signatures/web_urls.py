"""Web pages of the signatures area: ЭЦҚ sign-in and the demo signer (DEMO only)."""

from django.urls import path

from . import views

app_name = "signatures"

urlpatterns = [
    path("ecp-login/", views.ecp_login, name="ecp_login"),
    path("ecp-login/challenge/", views.ecp_challenge, name="ecp_challenge"),
    path("ecp-login/demo-sign/", views.ecp_login_demo_sign, name="ecp_login_demo_sign"),
    path("signatures/demo-sign/", views.demo_sign_document, name="demo_sign"),
]
