import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource

from beatdesk.api.openapi import DOCUMENT
from beatdesk.hub.tests.conftest import create_post, set_state
from beatdesk.publishing.models import Post

pytestmark = pytest.mark.django_db

BASE = "/api/v1/forces/north-yorkshire"


def check(response, status=200, schema=None):
    """The answer has the status and matches the schema the OpenAPI document gives for it."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    path = response.wsgi_request.resolver_match.route
    documented = DOCUMENT["paths"][
        "/"
        + path.removeprefix("api/v1/")
        .replace("<slug:", "{")
        .replace("<int:", "{")
        .replace(">", "}")
    ]
    ref = documented["get"]["responses"][str(status)]["content"]["application/json"]["schema"]
    registry = Registry().with_resource(
        "urn:openapi",
        Resource.from_contents(
            DOCUMENT,
            default_specification=__import__("referencing.jsonschema").jsonschema.DRAFT202012,
        ),
    )
    validator = Draft202012Validator(
        {"$ref": "urn:openapi" + ref["$ref"]}, registry=registry, format_checker=FormatChecker()
    )
    errors = sorted(validator.iter_errors(response.json()), key=str)
    assert not errors, [e.message for e in errors]
    if schema:
        assert ref["$ref"].endswith("/" + schema)
    return response.json()


def test_document_is_served_and_describes_every_endpoint(client):
    from django.urls import get_resolver

    doc = client.get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.1")
    routes = {
        "/" + p.pattern._route.replace("<slug:", "{").replace("<int:", "{").replace(">", "}")
        for p in get_resolver("beatdesk.api.urls").url_patterns
        if str(p.pattern).startswith("forces/")
    }
    assert routes == set(doc["paths"])
    Draft202012Validator.check_schema({"$defs": doc["components"]["schemas"]})


def test_force_districts_officers(client, force, officer_york):
    data = check(client.get(f"{BASE}/"), schema="Force")
    assert data["name"] == "North Yorkshire Police"
    districts = check(client.get(f"{BASE}/districts/"))
    assert [d["slug"] for d in districts["items"]] == ["scarborough", "york"]
    york = check(client.get(f"{BASE}/districts/york/"))
    assert "YO31" in york["postcodes"] and "Haxby" in york["places"]
    assert {o["slug"] for o in york["team"]} >= {officer_york.slug}
    people = check(client.get(f"{BASE}/officers/", {"limit": 2}))
    assert len(people["items"]) == 2 and people["next"]
    rest = check(client.get(people["next"]))
    assert not {o["slug"] for o in rest["items"]} & {o["slug"] for o in people["items"]}
    me = check(client.get(f"{BASE}/officers/{officer_york.slug}/"))
    assert me["collar_number"] == "2291" and me["districts"] == ["york"]


def test_posts_filtered_and_keyset_paged(
    client, force, account, officer_york, officer_scarborough, minutes_ago
):
    for n in range(5):
        create_post(
            account=account("york"),
            author=officer_york,
            texts=[f"York {n}"],
            published_at=minutes_ago(60 - n),
            tags=["Roads"] if n % 2 else [],
        )
    create_post(account=account("scarborough"), author=officer_scarborough, texts=["Scarborough"])
    first = check(client.get(f"{BASE}/posts/", {"district": "york", "limit": 2}))
    assert [p["parts"][0]["text"] for p in first["items"]] == ["York 4", "York 3"]
    second = check(client.get(first["next"]))
    assert [p["parts"][0]["text"] for p in second["items"]] == ["York 2", "York 1"]
    topic = check(client.get(f"{BASE}/posts/", {"topic": "roads"}))
    assert [p["parts"][0]["text"] for p in topic["items"]] == ["York 3", "York 1"]
    by_officer = check(client.get(f"{BASE}/posts/", {"officer": officer_scarborough.slug}))
    assert [p["parts"][0]["text"] for p in by_officer["items"]] == ["Scarborough"]
    since = minutes_ago(58.5).isoformat()
    recent = check(client.get(f"{BASE}/posts/", {"district": "york", "since": since}))
    assert [p["parts"][0]["text"] for p in recent["items"]] == ["York 4", "York 3", "York 2"]


def test_bad_parameters_are_400_with_a_reason(client, force):
    data = check(client.get(f"{BASE}/posts/", {"district": "atlantis"}), status=400)
    assert "atlantis" in data["detail"]
    assert (
        check(client.get(f"{BASE}/posts/", {"since": "yesterday"}), status=400)["error"]
        == "bad_request"
    )
    assert check(client.get(f"{BASE}/posts/", {"cursor": "zzz"}), status=400)
    assert check(client.get(f"{BASE}/posts/", {"limit": "500"}), status=400)


def test_unknown_things_are_404_json(client, force, other_force, account, officer_other_force):
    post = create_post(account=account("riverford-town", other_force), author=officer_other_force)
    check(client.get(f"{BASE}/posts/{post.pk}/"), status=404)
    check(client.get(f"{BASE}/districts/riverford-town/"), status=404)
    assert client.get("/api/v1/forces/nowhere/").status_code == 404


def test_removed_post_is_gone(client, force, account, officer_york):
    post = create_post(account=account("york"), author=officer_york, texts=["Soon gone"])
    check(client.get(f"{BASE}/posts/{post.pk}/"), schema="Post")
    set_state(post, Post.State.TAKEN_DOWN)
    check(client.get(f"{BASE}/posts/{post.pk}/"), status=404)
    assert check(client.get(f"{BASE}/posts/"))["items"] == []


def test_rate_limited_per_client(client, force, settings):
    settings.API_RATE = "3/m"
    for _ in range(3):
        check(client.get(f"{BASE}/", REMOTE_ADDR="203.0.113.5"))
    limited = client.get(f"{BASE}/", REMOTE_ADDR="203.0.113.5")
    data = check(limited, status=429)
    assert "Too many requests" in data["detail"]
    assert int(limited["Retry-After"]) >= 1
    check(client.get(f"{BASE}/", REMOTE_ADDR="203.0.113.6"))  # another client is not limited


def test_answers_are_cacheable_and_conditional(client, force, account, officer_york):
    create_post(account=account("york"), author=officer_york)
    response = client.get(f"{BASE}/posts/")
    assert response["Cache-Control"] == "public, max-age=0, s-maxage=1"
    again = client.get(f"{BASE}/posts/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_rate_limit_counts_the_address_the_local_proxy_forwarded(client, force, settings):
    settings.API_RATE = "2/m"
    for _ in range(2):
        check(client.get(f"{BASE}/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.1"))
    check(client.get(f"{BASE}/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.1"), 429)
    check(client.get(f"{BASE}/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.2"))
    # A client that is not the local proxy cannot choose its own address.
    for _ in range(2):
        check(client.get(f"{BASE}/", REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="192.0.2.3"))
    check(client.get(f"{BASE}/", REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="192.0.2.4"), 429)


def test_posts_search_with_q_is_ranked_filtered_and_paged(
    client, force, account, officer_york, officer_scarborough
):
    for n in range(5):
        create_post(account=account("york"), author=officer_york, texts=[f"Bike theft {n}"])
    strong = create_post(
        account=account("york"), author=officer_york, texts=["Bike theft: three bike thefts"]
    )
    create_post(
        account=account("scarborough"), author=officer_scarborough, texts=["Beach bike patrol"]
    )
    create_post(account=account("york"), author=officer_york, texts=["Nothing to do with it"])
    first = check(client.get(f"{BASE}/posts/", {"q": "bike theft", "limit": 2}), schema="PostList")
    assert first["items"][0]["id"] == strong.pk and len(first["items"]) == 2 and first["next"]
    seen = [p["id"] for p in first["items"]]
    page = first
    while page["next"]:
        page = check(client.get(page["next"]))
        seen += [p["id"] for p in page["items"]]
    assert len(seen) == len(set(seen)) == 6
    bikes = check(client.get(f"{BASE}/posts/", {"q": "bikes", "district": "scarborough"}))
    assert [p["parts"][0]["text"] for p in bikes["items"]] == ["Beach bike patrol"]
    assert check(client.get(f"{BASE}/posts/", {"q": "unicorns"}))["items"] == []
    list_cursor = check(client.get(f"{BASE}/posts/", {"limit": 1}))["next"].split("cursor=")[1]
    check(client.get(f"{BASE}/posts/", {"q": "bike", "cursor": list_cursor}), status=400)
    check(client.get(f"{BASE}/posts/", {"q": "the"}), status=400)


def test_openapi_documents_the_search_parameter(client):
    document = client.get("/api/v1/openapi.json").json()
    params = document["paths"]["/forces/{force_slug}/posts/"]["get"]["parameters"]
    assert any(p.get("name") == "q" and p["in"] == "query" for p in params)
