from .models import Notification


def houqin(request):
    """The header's school switcher and unread count, for every page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "school": getattr(request, "school", None),
        "roles": getattr(request, "roles", frozenset()),
        "my_schools": getattr(request, "my_schools", ()),
        "unread_count": unread_count(request),
    }


def unread_count(request):
    """The user's unread notifications, counted once a request (the header and the home panel)."""
    if not hasattr(request, "unread_count"):
        request.unread_count = Notification.objects.filter(recipient=request.user, read_at__isnull=True).count()
    return request.unread_count
