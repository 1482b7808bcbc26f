from __future__ import annotations

from django.http import HttpRequest


def desk(request: HttpRequest) -> dict:
    """Expose the signed-in officer (or None) to every template as ``officer``."""
    user = getattr(request, "user", None)
    officer = getattr(user, "officer", None) if user is not None and user.is_authenticated else None
    return {"officer": officer}
