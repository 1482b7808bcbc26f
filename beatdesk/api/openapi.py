"""The read API's OpenAPI 3.1 document. The tests validate every endpoint's answers against it."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from beatdesk.hub.search import CANDIDATES

NULLABLE_STRING = {"type": ["string", "null"]}
URL = {"type": "string", "format": "uri"}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _list_of(name: str) -> dict:
    return {
        "type": "object",
        "required": ["items", "next"],
        "additionalProperties": False,
        "properties": {
            "items": {"type": "array", "items": _ref(name)},
            "next": {
                "type": ["string", "null"],
                "format": "uri",
                "description": "The next page, or null on the last page.",
            },
        },
    }


SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["error", "detail"],
        "additionalProperties": False,
        "properties": {
            "error": {"type": "string", "enum": ["not_found", "bad_request", "rate_limited"]},
            "detail": {"type": "string"},
        },
    },
    "Force": {
        "type": "object",
        "required": ["slug", "name", "website", "url", "feed", "links"],
        "additionalProperties": False,
        "properties": {
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "website": NULLABLE_STRING,
            "url": URL,
            "feed": URL,
            "emergency_phone": {"type": "string"},
            "non_emergency_phone": {"type": "string"},
            "links": {
                "type": "object",
                "required": ["districts", "officers", "posts"],
                "properties": {"districts": URL, "officers": URL, "posts": URL},
            },
        },
    },
    "District": {
        "type": "object",
        "required": ["slug", "name", "places", "postcodes", "url", "feed", "api_url"],
        "additionalProperties": False,
        "properties": {
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "places": {"type": "array", "items": {"type": "string"}},
            "postcodes": {
                "type": "array",
                "items": {"type": "string", "pattern": "^[A-Z]{1,2}[0-9][0-9A-Z]?$"},
            },
            "url": URL,
            "feed": URL,
            "api_url": URL,
        },
    },
    "Officer": {
        "type": "object",
        "required": ["slug", "name", "rank", "collar_number", "photo", "url", "api_url"],
        "additionalProperties": False,
        "properties": {
            "slug": {"type": "string"},
            "name": {"type": "string", "description": "Rank and name, as signed."},
            "rank": {"type": "string"},
            "collar_number": NULLABLE_STRING,
            "photo": {"type": ["string", "null"], "format": "uri"},
            "url": URL,
            "api_url": URL,
        },
    },
    "Image": {
        "type": "object",
        "required": ["url", "alt_text", "width", "height"],
        "additionalProperties": False,
        "properties": {
            "url": URL,
            "alt_text": {"type": "string"},
            "width": {"type": "integer"},
            "height": {"type": "integer"},
        },
    },
    "Post": {
        "type": "object",
        "required": [
            "id",
            "url",
            "account",
            "district",
            "author",
            "signature",
            "parts",
            "topics",
            "is_urgent",
            "published_at",
            "edited_at",
        ],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "integer"},
            "url": URL,
            "account": {
                "type": "object",
                "required": ["slug", "name"],
                "properties": {"slug": {"type": "string"}, "name": {"type": "string"}},
            },
            "district": {
                "type": ["string", "null"],
                "description": "The district's slug when posted on a district account.",
            },
            "author": {
                "type": "object",
                "required": ["slug", "name", "url"],
                "properties": {
                    "slug": {"type": "string"},
                    "name": {"type": "string"},
                    "url": URL,
                },
            },
            "signature": {"type": "string"},
            "parts": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "required": ["text", "images"],
                    "additionalProperties": False,
                    "properties": {
                        "text": {"type": "string"},
                        "images": {"type": "array", "items": _ref("Image")},
                    },
                },
            },
            "topics": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["slug", "name"],
                    "properties": {"slug": {"type": "string"}, "name": {"type": "string"}},
                },
            },
            "is_urgent": {"type": "boolean"},
            "published_at": {"type": "string", "format": "date-time"},
            "edited_at": {"type": ["string", "null"], "format": "date-time"},
        },
    },
    "DistrictList": _list_of("District"),
    "OfficerList": _list_of("Officer"),
    "PostList": _list_of("Post"),
}
# A district in full: its team, accounts and channels, and where its posts are.
SCHEMAS["DistrictDetail"] = {
    "type": "object",
    "required": [*SCHEMAS["District"]["required"], "team", "accounts", "posts"],
    "additionalProperties": False,
    "properties": {
        **SCHEMAS["District"]["properties"],
        "team": {"type": "array", "items": _ref("Officer")},
        "accounts": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["slug", "name", "channels"],
                "properties": {
                    "slug": {"type": "string"},
                    "name": {"type": "string"},
                    "channels": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "required": ["network", "profile_url"],
                            "properties": {
                                "network": {"type": "string"},
                                "profile_url": {"type": ["string", "null"]},
                            },
                        },
                    },
                },
            },
        },
        "posts": URL,
    },
}
SCHEMAS["OfficerDetail"] = {
    "type": "object",
    "required": [*SCHEMAS["Officer"]["required"], "bio", "districts", "posts", "feed"],
    "additionalProperties": False,
    "properties": {
        **SCHEMAS["Officer"]["properties"],
        "bio": {"type": "string"},
        "districts": {"type": "array", "items": {"type": "string"}},
        "posts": URL,
        "feed": URL,
    },
}

FORCE_SLUG = {
    "name": "force_slug",
    "in": "path",
    "required": True,
    "schema": {"type": "string"},
    "description": "The force, as in its hub's address (north-yorkshire).",
}
CURSOR = {
    "name": "cursor",
    "in": "query",
    "schema": {"type": "string"},
    "description": "Opaque; take it from the `next` link of the previous page.",
}
LIMIT = {
    "name": "limit",
    "in": "query",
    "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20},
}


def _json(name: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref(name)}}}


ERRORS = {
    "404": _json("Error", "No such force or item (or the post was removed)."),
    "429": {
        **_json("Error", "Too many requests from this client; see Retry-After."),
        "headers": {"Retry-After": {"schema": {"type": "integer"}}},
    },
}


def _get(summary: str, schema: str, parameters: list, *, bad_request: bool = False) -> dict:
    responses = {"200": _json(schema, summary), **ERRORS}
    if bad_request:
        responses["400"] = _json("Error", "A query parameter could not be used.")
    return {"get": {"summary": summary, "parameters": parameters, "responses": responses}}


def _path_param(name: str, kind: str = "string") -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": kind}}


DOCUMENT = {
    "openapi": "3.1.0",
    "info": {
        "title": "Beatdesk public read API",
        "version": "1.0.0",
        "description": (
            "What a force's public hub shows, as JSON: the force, its districts, officers and "
            "posts. No account is needed. Lists are paged with an opaque cursor (follow "
            "`next`). Each client is limited to a number of requests per minute; over it, "
            "the answer is 429 with a Retry-After header. Removed posts never appear."
        ),
    },
    "servers": [{"url": "/api/v1"}],
    "paths": {
        "/forces/{force_slug}/": _get("A force.", "Force", [FORCE_SLUG]),
        "/forces/{force_slug}/districts/": _get(
            "Every district of the force (one page).", "DistrictList", [FORCE_SLUG]
        ),
        "/forces/{force_slug}/districts/{district_slug}/": _get(
            "A district, its team and its accounts.",
            "DistrictDetail",
            [FORCE_SLUG, _path_param("district_slug")],
        ),
        "/forces/{force_slug}/officers/": _get(
            "The force's officers, by slug.",
            "OfficerList",
            [FORCE_SLUG, CURSOR, {**LIMIT, "schema": {**LIMIT["schema"], "default": 50}}],
            bad_request=True,
        ),
        "/forces/{force_slug}/officers/{officer_slug}/": _get(
            "An officer's public profile.",
            "OfficerDetail",
            [FORCE_SLUG, _path_param("officer_slug")],
        ),
        "/forces/{force_slug}/posts/": _get(
            "Public posts, newest first, with optional filters; with `q`, the posts matching "
            "those words, best match first.",
            "PostList",
            [
                FORCE_SLUG,
                {
                    "name": "q",
                    "in": "query",
                    "schema": {"type": "string", "maxLength": 200},
                    "description": (
                        "Full-text search, as the hub's search page: every word must appear "
                        "(English stemming; words such as “the” are ignored). Results are "
                        "ranked by how often the words appear, newest first among equals, "
                        f"within the newest {CANDIDATES} matches; the filters narrow them. "
                        "Follow `next` for more."
                    ),
                },
                {"name": "district", "in": "query", "schema": {"type": "string"}},
                {"name": "officer", "in": "query", "schema": {"type": "string"}},
                {"name": "topic", "in": "query", "schema": {"type": "string"}},
                {
                    "name": "since",
                    "in": "query",
                    "schema": {"type": "string"},
                    "description": "ISO 8601 date or date-time; posts published at or after.",
                },
                {
                    "name": "until",
                    "in": "query",
                    "schema": {"type": "string"},
                    "description": "ISO 8601 date or date-time; posts published before.",
                },
                CURSOR,
                LIMIT,
            ],
            bad_request=True,
        ),
        "/forces/{force_slug}/posts/{post_id}/": _get(
            "One public post with its thread and images.",
            "Post",
            [FORCE_SLUG, _path_param("post_id", "integer")],
        ),
    },
    "components": {"schemas": SCHEMAS},
}


@require_GET
def document(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(DOCUMENT)
    response["Cache-Control"] = "public, max-age=3600"
    return response
