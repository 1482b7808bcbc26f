"""``/healthz`` answered before the ``Host`` header is checked."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from beatdesk.jobs.views import healthz


class HealthzMiddleware:
    """Answer ``/healthz`` whatever ``Host`` it is asked under.

    A load balancer or an orchestrator's probe asks each web server by its own address (an
    AWS target group sends the target's IP as ``Host``, a Kubernetes probe the pod's), which
    ``ALLOWED_HOSTS`` rightly refuses for every page: answered there, each probe would fail
    with 400 and take every server out of service. The health answer builds no link and names
    no host, so a forged ``Host`` can poison nothing. It runs after ``SecurityMiddleware``
    (whose headers it keeps; ``/healthz`` is exempt from its HTTPS redirect) and before
    ``CommonMiddleware``, the first to read the host.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == "/healthz":
            return healthz(request)
        return self.get_response(request)
