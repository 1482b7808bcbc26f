import pytest
from django.core.cache import cache

from beatdesk.core.ratelimit import retry_after_seconds

pytestmark = [pytest.mark.urls("beatdesk.core.tests.urls_ratelimit"), pytest.mark.django_db]


@pytest.fixture(autouse=True)
def fresh_counters():
    cache.clear()
    yield
    cache.clear()


def test_a_public_form_is_limited_per_client_with_a_clear_page(client):
    for _ in range(3):
        assert client.post("/ask/", REMOTE_ADDR="198.51.100.1").status_code == 200
    response = client.post("/ask/", REMOTE_ADDR="198.51.100.1")
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    body = response.content.decode()
    assert "Too many requests" in body and "call 999" in body
    # Another client is not affected, and reading is never limited.
    assert client.post("/ask/", REMOTE_ADDR="198.51.100.2").status_code == 200
    assert client.get("/ask/", REMOTE_ADDR="198.51.100.1").status_code == 200


def test_the_api_answers_429_in_json(client):
    for _ in range(2):
        assert client.get("/api/v1/search/").status_code == 200
    response = client.get("/api/v1/search/")
    assert response.status_code == 429
    assert response.json() == {
        "error": "rate_limited",
        "detail": "Too many requests. Try again in 60 seconds.",
        "retry_after": 60,
    }


def test_limits_can_be_switched_off(client, settings):
    settings.RATELIMIT_ENABLE = False
    for _ in range(5):
        assert client.post("/ask/").status_code == 200


@pytest.mark.parametrize(
    ("rate", "seconds"), [("5/m", 60), ("10/h", 3600), ("1/s", 1), ("100/15m", 900)]
)
def test_retry_after(rate, seconds):
    assert retry_after_seconds(rate) == seconds
