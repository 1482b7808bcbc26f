"""The compose endpoint: ``POST /api/v1/posts/`` and a post's delivery status,
``GET /api/v1/posts/<id>/``.

Authentication (``people.tokens.staff_api``): a personal API token in an ``Authorization:
Bearer bd_...`` header (made on the desk's sign-in security page), or the desk's session with
Django's CSRF check (send the ``csrftoken`` cookie's value in an ``X-CSRFToken`` header).
Request body (JSON)::

    {"account": "york",
     "parts": [{"text": "...", "images": [{"data": "<base64>", "alt_text": "..."}]}],
     "tags": "burglary, road safety", "districts": ["york"], "places": [12],
     "scheduled_for": "2026-12-01T09:00" (force's local time, or ISO with an offset),
     "client_token": "a value unique to this submission"}

Answers 201 with the post (200 if the same ``client_token`` was already used: the same post),
400 ``{"errors": [...]}``, 401 without a valid session or token (the body says why), 403 when
the officer may not post there or the CSRF check failed.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.http import require_GET, require_POST

from beatdesk.forces.models import Account, District
from beatdesk.people.tokens import staff_api
from beatdesk.publishing import selectors, services
from beatdesk.publishing.models import Post

app_name = "posts"


def post_json(post: Post, zone) -> dict:
    return {
        "id": post.pk,
        "state": post.state,
        "account": post.account.slug,
        "author": post.author.public_name,
        "signature": post.signature,
        "parts": [part.text for part in post.parts.all()],
        "scheduled_for": post.scheduled_for.isoformat() if post.scheduled_for else None,
        "published_at": post.published_at.isoformat() if post.published_at else None,
        "deliveries": [
            {
                "network": d.channel.network,
                "action": d.action,
                "state": d.state,
                "status": (status := selectors.delivery_status(d, zone=zone)).label,
                "detail": status.detail,
                "url": d.url,
            }
            for d in post.deliveries.all()
        ],
    }


def _parts(body: dict) -> list[services.PartInput]:
    parts = body.get("parts")
    if not isinstance(parts, list) or not parts:
        raise ValidationError('Send "parts": a list of {"text": ..., "images": [...]}.')
    result = []
    for part in parts:
        if not isinstance(part, dict):
            raise ValidationError("Each part is an object with a text.")
        images = []
        for image in part.get("images") or []:
            try:
                data = base64.b64decode(str(image.get("data", "")), validate=True)
            except (binascii.Error, ValueError) as exc:
                raise ValidationError("An image's data is not base64.") from exc
            images.append(services.ImageInput(upload=data, alt_text=str(image.get("alt_text", ""))))
        result.append(services.PartInput(text=str(part.get("text", "")), images=images))
    return result


def _when(value, zone) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationError('"scheduled_for" is not an ISO 8601 date and time.') from exc
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)


@require_POST
@staff_api
def create(request: HttpRequest) -> JsonResponse:
    officer = request.officer
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"errors": ["The body is not JSON."]}, status=400)
    if not isinstance(body, dict):
        return JsonResponse({"errors": ["The body must be a JSON object."]}, status=400)
    account = Account.objects.filter(force_id=officer.force_id, slug=body.get("account")).first()
    if account is None:
        return JsonResponse({"errors": ["No such account in your force."]}, status=400)
    zone = officer.force.policy.zone
    try:
        districts = list(
            District.objects.filter(
                force_id=officer.force_id, slug__in=body.get("districts") or []
            ).values_list("pk", flat=True)
        )
        token = str(body.get("client_token", ""))
        existed = Post.objects.filter(author=officer, client_token=token).exists()
        post = services.post_create(
            actor=officer,
            account=account,
            parts=_parts(body),
            client_token=token,
            tags=body.get("tags") or "",
            district_ids=districts,
            place_ids=[int(p) for p in body.get("places") or [] if str(p).isdigit()],
            scheduled_for=_when(body.get("scheduled_for"), zone),
        )
    except PermissionDenied as exc:
        return JsonResponse({"error": str(exc)}, status=403)
    except ValidationError as exc:
        return JsonResponse({"errors": exc.messages}, status=400)
    fresh = selectors.post_for_desk(officer=officer, post_id=post.pk)
    return JsonResponse(post_json(fresh, zone), status=200 if existed else 201)


@require_GET
@staff_api
def detail(request: HttpRequest, post_id: int) -> JsonResponse:
    officer = request.officer
    post = selectors.post_for_desk(officer=officer, post_id=post_id)
    if post is None:
        return JsonResponse({"error": "No such post."}, status=404)
    return JsonResponse(post_json(post, officer.force.policy.zone))


urlpatterns = [
    path("", create, name="create"),
    path("<int:post_id>/", detail, name="detail"),
]
