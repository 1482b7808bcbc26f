"""A corpus of hostile text for tests: show each payload through a page, an export or a log and
check it is inert. Import ``PAYLOADS`` (name -> text) or ``ALL``; ``MARKER`` is in every
script-running payload so a test can look for it in the DOM, in dialogs or on ``window``.

Usage::

    from beatdesk.core.tests.hostile import PAYLOADS, assert_escaped
    body = client.get(url).content.decode()
    assert_escaped(body, PAYLOADS["script_tag"])
"""

from __future__ import annotations

import html

MARKER = "bdpwn"

PAYLOADS: dict[str, str] = {
    "script_tag": f"<script>window.{MARKER}=1;alert('{MARKER}')</script>",
    "img_onerror": f"<img src=x onerror=\"window.{MARKER}=1;alert('{MARKER}')\">",
    "svg_onload": f"<svg onload=\"window.{MARKER}=1;alert('{MARKER}')\"><circle r=1></circle></svg>",
    "svg_script": f"<svg><script>window.{MARKER}=1</script></svg>",
    "javascript_link": f'<a href="javascript:window.{MARKER}=1">click me</a>',
    "javascript_entities": f'<a href="&#106;avascript:window.{MARKER}=1">encoded</a>',
    "attribute_breakout": f'"><script>window.{MARKER}=1</script>',
    "single_quote_breakout": f"' onmouseover='window.{MARKER}=1' x='",
    "event_handler_div": f'<div onmouseover="window.{MARKER}=1">hover</div>',
    "iframe_srcdoc": f'<iframe srcdoc="<script>parent.{MARKER}=1</script>"></iframe>',
    "style_expression": f"<style>body{{background:url('javascript:{MARKER}')}}</style>",
    "template_injection": "{{ 7*7 }} {% now 'Y' %} ${7*7}",
    "html_entities": "&lt;script&gt;alert(1)&lt;/script&gt; &amp;amp; &#x3C;b&#x3E;",
    "rtl_override": "Call 999 \u202etxt.exe\u202c now",
    "zero_width": "em\u200bergency he\u200dlp",
    "long_word": "A" * 5000,
    "nul_byte": f"before\x00after<script>window.{MARKER}=1</script>",
    "csv_formula": '=HYPERLINK("http://example.invalid","click")',
    "csv_plus": "+SUM(1,1)",
    "csv_at": "@SUM(1,1)",
    "csv_tab": "\t=1+1",
    "unicode_mix": "Ünïcödé 💥 👮‍♀️ 你好 مرحبا",
    "newline_log_forging": "ok\n2026-01-01 INFO forged log line",
    "markdown_link": f"[click](javascript:window.{MARKER}=1)",
}

ALL: list[str] = list(PAYLOADS.values())
SCRIPTED: list[str] = [text for text in ALL if MARKER in text]


def assert_escaped(body: str, payload: str) -> None:
    """The raw payload's markup must not appear; its escaped form must (NUL aside)."""
    shown = payload.replace("\x00", "")
    if "<" in shown:
        assert shown not in body, f"unescaped payload in page: {shown[:60]!r}"
    escaped = html.escape(shown, quote=False)
    assert escaped in body or html.escape(shown) in body, (
        f"escaped payload missing from page: {shown[:60]!r}"
    )
