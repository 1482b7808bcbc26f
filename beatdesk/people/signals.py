"""Sign-in events: start the session's clocks and record sign-ins and failures in the trail.

Django's own auth signals are the one place every sign-in path (password, single sign-on)
passes through, so the audit and the session clocks are kept here rather than in each view.
"""

from __future__ import annotations

import time

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from beatdesk.audit.services import audit_record
from beatdesk.core.middleware import LOGIN_TIME_KEY
from beatdesk.people.reauth import mark_recent_auth


@receiver(user_logged_in, dispatch_uid="beatdesk.people.logged_in")
def on_logged_in(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    request.session[LOGIN_TIME_KEY] = time.time()
    mark_recent_auth(request)
    officer = user.officer
    if officer is not None:
        backend = getattr(user, "backend", "") or ""
        audit_record(
            actor=officer,
            action="login",
            obj=officer,
            data={"method": "single sign-on" if "oidc" in backend.lower() else "password"},
        )


@receiver(user_login_failed, dispatch_uid="beatdesk.people.login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    from beatdesk.people.models import User

    username = (credentials or {}).get("username") or ""
    user = (
        User.objects.filter(username__iexact=username).select_related("officer_profile").first()
        if username
        else None
    )
    officer = user.officer if user is not None else None
    # Unknown usernames are not recorded per force: there is no force to record them in, and
    # the brute-force lock already counts them per client address.
    if officer is not None:
        audit_record(
            actor=None,
            action="login.failed",
            obj=officer,
            outcome="refused",
            data={"username": username[:150]},
        )
