"""Cabinet pages of executive documents: the parties, the court, the chamber and the bailiff."""

from django.urls import path

from . import views

app_name = "enforcement_web"
urlpatterns: list = [
    path("cabinet/writs/", views.writ_list, name="writ_list"),
    path("cabinet/writs/<int:pk>/", views.writ_detail, name="writ_detail"),
    path("cabinet/writs/<int:pk>/status/", views.writ_status, name="writ_status"),
    path("cabinet/writs/<int:pk>/resubmit/", views.writ_resubmit, name="writ_resubmit"),
]
