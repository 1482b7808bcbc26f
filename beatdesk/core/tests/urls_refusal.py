"""A view that is refused inside a transaction, as a service's refusal would be."""

from django.db import transaction
from django.http import HttpResponse
from django.urls import include, path

from beatdesk.core.permissions import require
from beatdesk.core.views import officer_required

handler403 = "beatdesk.core.views.permission_denied"


@officer_required
def refused_in_transaction(request):
    with transaction.atomic():
        require(request.officer, "view_audit", request.officer.force)
    return HttpResponse("never")


urlpatterns = [
    path("desk/refused/", refused_in_transaction),
    path("desk/", include("beatdesk.people.urls")),  # the 403 page links to the desk
    path("desk/audit/", include("beatdesk.audit.urls")),  # the desk's navigation
]
