from django.conf import settings


def portal(request) -> dict:
    """DEMO flag, the unread notices count for the header badge, and whether to link the judge's
    page (R-FIL-12: new notices are highlighted)."""
    context: dict = {"DEMO": settings.DEMO, "unread_notices": 0, "is_judge": False}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from sotkabinet.accounts.access import court_ids_of
        from sotkabinet.accounts.models import Role

        from .models import Notification

        context["unread_notices"] = Notification.objects.filter(
            user=user, read_at__isnull=True
        ).count()
        context["is_judge"] = bool(court_ids_of(user, (Role.JUDGE, Role.CHAIRMAN)))
    return context
