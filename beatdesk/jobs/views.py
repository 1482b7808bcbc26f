"""``/healthz``: for a monitor or a load balancer, whether Beatdesk is doing its work."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

from beatdesk.jobs import health


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Every check (``?check=database&check=worker`` for some): 200 when all pass, 503 when
    one fails, with each check's result and a sentence to read. A load balancer asks for
    ``database`` alone (a stopped worker is no reason to stop serving pages); a monitor asks
    for everything. No figure here names a force or a person."""
    names = request.GET.getlist("check")
    unknown = sorted(set(names) - set(health.check_names()))
    if unknown:
        response = JsonResponse(
            {
                "error": f"No such check: {', '.join(unknown)}.",
                "checks": health.check_names(),
            },
            status=400,
        )
    else:
        checks = health.report(only=names or None)
        ok = all(c.ok for c in checks)
        response = JsonResponse(
            {
                "status": "ok" if ok else "failing",
                "checks": {c.name: c.as_dict() for c in checks},
            },
            status=200 if ok else 503,
        )
    response["Cache-Control"] = "no-store"
    return response
