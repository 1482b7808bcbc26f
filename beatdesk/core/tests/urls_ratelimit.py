"""A URL configuration for the rate-limit helper's tests: one public form, one API endpoint."""

from django.http import HttpResponse, JsonResponse
from django.urls import path

from beatdesk.core.ratelimit import limit


@limit("test-form", rate="3/m")
def public_form(request):
    return HttpResponse("thanks")


@limit("test-api", rate="2/m", methods=("GET", "POST"))
def api_endpoint(request):
    return JsonResponse({"ok": True})


urlpatterns = [
    path("ask/", public_form),
    path("api/v1/search/", api_endpoint),
]
