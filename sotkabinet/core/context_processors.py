from django.conf import settings


def portal(request) -> dict:
    return {"DEMO": settings.DEMO}
