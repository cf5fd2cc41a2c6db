from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from sotkabinet.accounts.views import set_language

api_v1 = [
    path("", include("sotkabinet.accounts.api.urls")),
    path("", include("sotkabinet.courts.api.urls")),
    path("", include("sotkabinet.signatures.api.urls")),
    path("", include("filings.api.urls")),
    path("", include("registry.api.urls")),
    path("", include("enforcement.api.urls")),
    path("", include("archive.api.urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    # Django's language switcher; a signed-in user's choice is stored too (issue 10).
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("verify/", include("registry.verify_urls")),
    path("judge/", include("registry.web_acts")),
    path("", include("registry.web_urls")),
    path("", include("filings.web.urls")),
    path("", include("sotkabinet.signatures.web_urls")),
    path("", include("enforcement.web.urls")),
]

handler404 = "sotkabinet.core.views.not_found"
handler500 = "sotkabinet.core.views.server_error"
