from .web_cases import urlpatterns as cabinet_case_urls

urlpatterns: list = [*cabinet_case_urls]
