from django.urls import path

from . import views

urlpatterns = [
    path("signatures/verify/", views.VerifyView.as_view(), name="api-signature-verify"),
    path("auth/ecp/challenge/", views.EcpChallengeView.as_view(), name="api-ecp-challenge"),
    path("auth/ecp/", views.EcpSignInView.as_view(), name="api-ecp-sign-in"),
]
