"""Single sign-on, with the identity provider's endpoints mocked at the HTTP boundary."""

import time
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from beatdesk.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

TENANT = "https://login.example.test/tenant-id"
CLIENT_ID = "beatdesk-client"


@pytest.fixture
def sso(settings):
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = "client-secret-value"
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.OIDC_RP_SCOPES = "openid email profile"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{TENANT}/oauth2/v2.0/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{TENANT}/oauth2/v2.0/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://graph.example.test/oidc/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{TENANT}/discovery/v2.0/keys"
    settings.OIDC_CREATE_USER = False
    settings.OIDC_USE_PKCE = True
    settings.OIDC_AUTHENTICATION_CALLBACK_URL = "people:sso-callback"
    settings.LOGIN_REDIRECT_URL_FAILURE = "/desk/login/?sso=failed"
    settings.OIDC_MATCH_ON = "email"
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "beatdesk.people.sso.OfficerOIDCBackend",
    ]
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    jwk.update({"kid": "k1", "alg": "RS256", "use": "sig"})
    return {"key": key, "jwks": {"keys": [jwk]}}


class FakeResponse:
    def __init__(self, payload, status=200):
        self._payload, self.status_code, self.url, self.text = payload, status, "", ""
        self.headers = {"Content-Type": "application/json"}

    def json(self):
        return self._payload

    def raise_for_status(self):
        pass


def provider(sso, *, nonce, email, audience=CLIENT_ID, amr=("pwd",)):
    """Patch the provider's token, keys and userinfo endpoints; returns the mocks."""
    id_token = jwt.encode(
        {
            "iss": TENANT,
            "aud": audience,
            "sub": "entra-subject",
            "nonce": nonce,
            "amr": list(amr),
            "iat": int(time.time()),
            "exp": int(time.time()) + 600,
        },
        sso["key"],
        algorithm="RS256",
        headers={"kid": "k1"},
    )
    post = mock.patch(
        "mozilla_django_oidc.auth.requests.post",
        return_value=FakeResponse({"id_token": id_token, "access_token": "access-token-xyz"}),
    )

    def get(url, **kwargs):
        if url.endswith("/keys"):
            return FakeResponse(sso["jwks"])
        return FakeResponse({"sub": "entra-subject", "email": email})

    return post, mock.patch("mozilla_django_oidc.auth.requests.get", side_effect=get)


def start(client):
    response = client.get("/desk/sso/start/?next=/desk/")
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.netloc == "login.example.test"
    query = parse_qs(location.query)
    assert query["client_id"] == [CLIENT_ID]
    assert "code_challenge" in query  # PKCE
    return query["state"][0], query["nonce"][0]


def test_sso_signs_in_the_officer_with_that_email(client, sso, officer_york):
    officer_york.user.email = "Jess.Holmes@nyp.example"
    officer_york.user.save()
    state, nonce = start(client)
    post, get = provider(sso, nonce=nonce, email="jess.holmes@nyp.example")
    with post as token_endpoint, get:
        response = client.get(f"/desk/sso/callback/?code=auth-code&state={state}")
    assert response.status_code == 302 and response["Location"] == "/desk/"
    sent = token_endpoint.call_args.kwargs["data"]
    assert sent["code"] == "auth-code" and "code_verifier" in sent
    assert client.get("/desk/").status_code == 200
    event = AuditEvent.objects.get(action="login", actor=officer_york)
    assert event.data == {"method": "single sign-on"}
    # Tokens from the provider are not kept in the session.
    assert "access-token-xyz" not in str(dict(client.session))


def test_sso_never_creates_an_officer(client, sso, officer_york):
    from beatdesk.people.models import User

    users = User.objects.count()
    state, nonce = start(client)
    post, get = provider(sso, nonce=nonce, email="stranger@nyp.example")
    with post, get:
        response = client.get(f"/desk/sso/callback/?code=c&state={state}")
    assert response["Location"] == "/desk/login/?sso=failed"
    assert User.objects.count() == users
    assert client.get("/desk/").status_code == 302
    assert AuditEvent.objects.filter(action="login.sso_unmatched").exists()
    page = client.get("/desk/login/?sso=failed").content.decode()
    assert "Single sign-on did not sign you in" in page


def test_a_token_for_another_application_is_refused(client, sso, officer_york):
    officer_york.user.email = "jess@nyp.example"
    officer_york.user.save()
    state, nonce = start(client)
    post, get = provider(sso, nonce=nonce, email="jess@nyp.example", audience="other-app")
    with post, get:
        response = client.get(f"/desk/sso/callback/?code=c&state={state}")
    assert response["Location"] == "/desk/login/?sso=failed"
    assert client.get("/desk/").status_code == 302


def test_a_disabled_officer_cannot_sign_in_with_sso(client, sso, officer_york, admin):
    from beatdesk.people.services import officer_set_active

    officer_york.user.email = "jess@nyp.example"
    officer_york.user.save()
    officer_set_active(actor=admin, officer=officer_york, active=False)
    state, nonce = start(client)
    post, get = provider(sso, nonce=nonce, email="jess@nyp.example")
    with post, get:
        response = client.get(f"/desk/sso/callback/?code=c&state={state}")
    assert response["Location"] == "/desk/login/?sso=failed"


def test_the_provider_second_factor_satisfies_a_mandatory_two_factor_policy(
    client, sso, officer_york
):
    policy = officer_york.force.policy
    policy.require_two_factor = True
    policy.save()
    officer_york.user.email = "jess@nyp.example"
    officer_york.user.save()
    state, nonce = start(client)
    post, get = provider(sso, nonce=nonce, email="jess@nyp.example", amr=("pwd", "mfa"))
    with post, get:
        client.get(f"/desk/sso/callback/?code=c&state={state}")
    assert client.get("/desk/").status_code == 200


def test_without_the_provider_second_factor_the_policy_still_applies(client, sso, officer_york):
    policy = officer_york.force.policy
    policy.require_two_factor = True
    policy.save()
    officer_york.user.email = "jess@nyp.example"
    officer_york.user.save()
    state, nonce = start(client)
    post, get = provider(sso, nonce=nonce, email="jess@nyp.example", amr=("pwd",))
    with post, get:
        client.get(f"/desk/sso/callback/?code=c&state={state}")
    assert client.get("/desk/")["Location"].startswith("/desk/security/two-factor/")


def test_sso_pages_are_absent_when_not_configured(client, force):
    assert client.get("/desk/sso/start/").status_code == 404
    assert "work account" not in client.get("/desk/login/").content.decode()
