from django.urls import include, path

urlpatterns = [
    path("", include("registry.api.acts_urls")),
]
