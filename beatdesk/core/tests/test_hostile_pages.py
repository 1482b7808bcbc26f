"""The hostile-input corpus shown through every page on which outside text appears: the desk
home, the hub, the audit viewer and its export. Nothing runs; the text is shown, escaped."""

import csv
import io

import pytest

from beatdesk.audit.services import audit_record
from beatdesk.core.sanitise import clean_text
from beatdesk.core.testing import login
from beatdesk.core.tests.hostile import MARKER, PAYLOADS, assert_escaped

SHORT = {name: text for name, text in PAYLOADS.items() if len(text) <= 120}


def plant(force, admin):
    """Put every payload where outside text lands on this branch's pages."""
    from beatdesk.forces.models import Account, Place

    york = force.districts.get(slug="york")
    # As ingestion would store them: control characters (NUL) removed by clean_text.
    for name, text in SHORT.items():
        Place.objects.create(district=york, force=force, name=clean_text(text))
    Account.objects.filter(force=force, slug="york").update(name=PAYLOADS["img_onerror"])
    for name, text in PAYLOADS.items():
        audit_record(
            actor=admin,
            action="inbox.reply",
            obj=admin,
            reason=clean_text(text)[:500],
            data={"text": clean_text(text)},
        )


@pytest.mark.django_db
def test_payloads_are_escaped_in_server_rendered_pages(client, force, admin):
    plant(force, admin)
    login(client, admin)
    pages = {
        "hub district": client.get("/north-yorkshire/districts/york/").content.decode(),
        "hub home": client.get("/north-yorkshire/").content.decode(),
        "desk home": client.get("/desk/").content.decode(),
        "audit viewer": client.get("/desk/audit/?what=inbox.reply").content.decode(),
    }
    for name, text in SHORT.items():
        assert_escaped(pages["hub district"], text)
        assert_escaped(pages["audit viewer"], text)
    assert_escaped(pages["desk home"], PAYLOADS["img_onerror"])
    assert_escaped(pages["hub district"], PAYLOADS["img_onerror"])  # the account's name
    for page_name, body in pages.items():
        assert "\x00" not in body, page_name


@pytest.mark.django_db
def test_payloads_in_the_csv_export_cannot_become_formulas(client, force, admin):
    plant(force, admin)
    login(client, admin)
    response = client.get("/desk/audit/export.csv", {"reason": "review", "what": "inbox.reply"})
    rows = list(
        csv.reader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff")))
    )
    reasons = {row[8] for row in rows[1:]}
    for cell in reasons:
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert "'" + PAYLOADS["csv_formula"] in reasons
    assert "'" + PAYLOADS["csv_tab"] in reasons


INSPECT = """(marker) => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const n = attr.name.toLowerCase(), v = attr.value.toLowerCase();
      if (n.startsWith('on') || (['href', 'src', 'action', 'srcdoc'].includes(n) && (v.includes('javascript:') || v.includes(marker)))) {
        found.push(el.tagName + ' ' + n + '=' + attr.value.slice(0, 60));
      }
    }
    if (['SCRIPT', 'IFRAME', 'STYLE', 'OBJECT', 'EMBED'].includes(el.tagName) && (el.textContent.includes(marker) || (el.getAttribute('srcdoc') || '').includes(marker))) {
      found.push(el.tagName);
    }
    if (el.tagName.toLowerCase() === 'svg' && el.closest('main') && !el.closest('.qr-code')) found.push('SVG');
  }
  return {found, ran: window[marker] !== undefined, text: document.body.innerText};
}"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_payloads_run_nothing_in_a_browser(page, force, admin):
    from beatdesk.core.testing import browser_login

    plant(force, admin)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    browser_login(page, "admin")
    for url in (
        "/desk/",
        "/desk/audit/?what=inbox.reply",
        "/north-yorkshire/",
        "/north-yorkshire/districts/york/",
    ):
        page.goto(url)
        # Hover and click everything the payloads might have hooked.
        for locator in page.locator("main li, main td, main p").all()[:40]:
            locator.hover()
        result = page.evaluate(INSPECT, MARKER)
        assert result["found"] == [], (url, result["found"])
        assert result["ran"] is False, url
        if "audit" in url or "districts" in url:
            # The payload is visible as text, exactly as it was written.
            assert PAYLOADS["script_tag"] in result["text"], url
            assert PAYLOADS["rtl_override"] in result["text"], url
    assert dialogs == []
