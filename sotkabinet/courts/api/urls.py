from django.urls import path

from . import views

urlpatterns = [
    path("courts/", views.CourtList.as_view(), name="api-courts"),
    path("districts/", views.DistrictList.as_view(), name="api-districts"),
]
