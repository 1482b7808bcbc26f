"""Fetching untrusted URLs. The only server used is one this test starts on 127.0.0.1; the
refused addresses are refused before any connection is made."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from beatdesk.core import safefetch
from beatdesk.core.safefetch import FetchRefused, fetch


class Handler(BaseHTTPRequestHandler):
    routes: dict = {}
    seen_hosts: list = []

    def do_GET(self):
        Handler.seen_hosts.append(self.headers.get("Host"))
        action = Handler.routes.get(self.path.split("?")[0], ("body", b"ok"))
        kind, value = action
        if kind == "redirect":
            self.send_response(302)
            self.send_header("Location", value)
            self.end_headers()
        elif kind == "slow":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b"x")
            self.wfile.flush()
            time.sleep(value)
        elif kind == "chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"x" * 65536
            for _ in range(value):
                self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(value)))
            self.end_headers()
            self.wfile.write(value)

    def log_message(self, *args):
        pass


@pytest.fixture
def server(monkeypatch):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    Handler.routes, Handler.seen_hosts = {}, []
    real_allowed = safefetch.address_allowed
    # Treat this test's own loopback server as if it were a public address; nothing else.
    monkeypatch.setattr(safefetch, "address_allowed", lambda a: a == "127.0.0.1" or real_allowed(a))
    real_resolve = safefetch.resolve
    names = {
        "public.test": ["127.0.0.1"],
        "internal.test": ["10.0.0.5"],
        "metadata.test": ["169.254.169.254"],
    }
    monkeypatch.setattr(
        safefetch, "resolve", lambda host, port: names.get(host) or real_resolve(host, port)
    )
    yield f"http://public.test:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost:8000/",
        "http://10.1.2.3/",
        "http://192.168.0.1/",
        "http://172.16.5.4/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[fe80::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
        "http://2130706433/",  # 127.0.0.1 written as a number
        "http://100.64.0.1/",
    ],
)
def test_private_loopback_and_link_local_addresses_are_refused(url):
    with pytest.raises(FetchRefused, match="private or local"):
        fetch(url)


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.org/", "gopher://x/", "javascript:alert(1)"]
)
def test_other_schemes_are_refused(url):
    with pytest.raises(FetchRefused, match="Only http and https"):
        fetch(url)


def test_credentials_in_urls_are_refused():
    with pytest.raises(FetchRefused, match="user name or password"):
        fetch("https://user:pass@example.org/")


def test_a_name_resolving_to_a_private_address_is_refused(server):
    with pytest.raises(FetchRefused, match="private or local"):
        fetch("http://internal.test/")


def test_fetches_a_public_page_connecting_to_the_checked_address(server):
    Handler.routes["/page"] = ("body", b"<title>Hello</title>")
    result = fetch(f"{server}/page?x=1")
    assert result.status == 200 and result.body == b"<title>Hello</title>"
    assert result.content_type == "text/html"
    # The connection went to the checked address, with the original host name in the request.
    assert Handler.seen_hosts == [server.removeprefix("http://")]


@pytest.mark.parametrize(
    "target",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://internal.test/admin",
        "http://metadata.test/",
        "file:///etc/passwd",
    ],
)
def test_every_redirect_is_checked_again(server, target):
    Handler.routes["/go"] = ("redirect", target)
    with pytest.raises(FetchRefused):
        fetch(f"{server}/go")
    assert len(Handler.seen_hosts) == 1  # nothing was sent to the redirect's target


def test_safe_redirects_are_followed_and_limited(server):
    Handler.routes["/a"] = ("redirect", "/b")
    Handler.routes["/b"] = ("body", b"final")
    result = fetch(f"{server}/a")
    assert result.body == b"final" and result.redirects == [f"{server}/b"]
    Handler.routes["/loop"] = ("redirect", "/loop")
    with pytest.raises(FetchRefused, match="Too many redirects"):
        fetch(f"{server}/loop")


def test_size_is_limited_with_and_without_a_declared_length(server):
    Handler.routes["/big"] = ("body", b"x" * 300_000)
    with pytest.raises(FetchRefused, match="larger than"):
        fetch(f"{server}/big", max_bytes=100_000)
    Handler.routes["/stream"] = ("chunked", 5)
    with pytest.raises(FetchRefused, match="larger than"):
        fetch(f"{server}/stream", max_bytes=100_000)
    assert len(fetch(f"{server}/stream", max_bytes=1_000_000).body) == 5 * 65536


def test_time_is_limited(server):
    Handler.routes["/slow"] = ("slow", 2)
    started = time.monotonic()
    with pytest.raises(FetchRefused):
        fetch(f"{server}/slow", timeout=0.5)
    assert time.monotonic() - started < 1.9
