from django.urls import include, path

urlpatterns: list = [
    path("", include("filings.api.extra_urls")),  # state duty and powers of attorney
]
