"""Authentication backends."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check for every login that comes from a client.

    Logins without a request (the test client, a shell) have no client address to lock, so
    they skip the check instead of failing; every web login form passes the request.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
