"""A fake PDS for tests that replace the HTTP layer: it answers XRPC calls the way the PDS
does (XRPC error bodies, rate-limit headers, sessions), so the SDK and transport run for real."""

import base64
import json
import time
import uuid

import httpx
from atproto_client.client.session import Session

PDS = "https://pds.example.test"
DID = "did:plc:yorkpolice0000000000000"


def jwt(expires_in=3600, scope="com.atproto.access"):
    def part(value):
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    now = int(time.time())
    payload = {"sub": DID, "scope": scope, "iat": now, "exp": now + expires_in}
    payload["jti"] = uuid.uuid4().hex
    return f"{part({'alg': 'ES256K', 'typ': 'JWT'})}.{part(payload)}.c2lnbmF0dXJl"


STORED_SESSION = Session(
    handle="york.police.example",
    did=DID,
    access_jwt=jwt(),
    refresh_jwt=jwt(86400, "com.atproto.refresh"),
    pds_endpoint=PDS,
).encode()


def session_body():
    return {
        "did": DID,
        "handle": "york.police.example",
        "accessJwt": jwt(),
        "refreshJwt": jwt(86400, "com.atproto.refresh"),
        "active": True,
    }


def xrpc_error(status, error, message="", headers=None):
    return httpx.Response(status, json={"error": error, "message": message}, headers=headers)


class FakePds:
    """Answers XRPC calls by method name; records every request."""

    def __init__(self, **answers):
        self.answers = answers
        self.calls: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        method = request.url.path.removeprefix("/xrpc/")
        self.calls.append(method)
        answer = self.answers.get(method)
        if answer is None:
            if method == "com.atproto.repo.getRecord":
                return xrpc_error(400, "RecordNotFound", "Could not locate record")
            if method == "com.atproto.server.createSession":
                return httpx.Response(200, json=session_body())
            return xrpc_error(501, "MethodNotImplemented")
        if callable(answer):
            return answer(request)
        return answer

    def count(self, method):
        return self.calls.count(method)


def created(request):
    body = json.loads(request.content)
    uri = f"at://{DID}/app.bsky.feed.post/{body['rkey']}"
    return httpx.Response(200, json={"uri": uri, "cid": "bafyreigood"})
