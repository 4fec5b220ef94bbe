from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from madoguchi.staff.models import Staff
from madoguchi.ui.languages import city_name
from madoguchi.ui.navigation import navigation_for


def ui(request: HttpRequest) -> dict[str, object]:
    """The city name and the navigation of the signed-in staff member."""
    user = getattr(request, "user", None)
    return {
        "city_name": city_name(),
        "navigation": navigation_for(user, request.path) if isinstance(user, Staff) else [],
        "session_idle_minutes": settings.SESSION_COOKIE_AGE // 60,
        # settings.LANGUAGES as written there: Django's {% get_available_languages %} would translate the
        # names into the page's language (English became 「英語(米国)」 on Japanese pages).
        "language_choices": settings.LANGUAGES,
    }
