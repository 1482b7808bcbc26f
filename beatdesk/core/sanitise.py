"""Cleaning HTML that networks send (Mastodon statuses) before it is stored or shown.

An allow-list through nh3 (the Rust ammonia sanitiser): paragraphs, line breaks, links and
spans survive; links keep only http and https targets and always get
``rel="nofollow noopener noreferrer"``; everything else (scripts, styles, event handlers, SVG,
iframes, images, classes) is removed, keeping the text.
"""

from __future__ import annotations

import re
from html import unescape

import nh3

ALLOWED_TAGS = {"p", "br", "a", "span"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_SCHEMES = {"http", "https"}


def clean_html(html: str) -> str:
    """Return ``html`` reduced to the allow-list; safe to mark as safe in a template."""
    if not html:
        return ""
    return nh3.clean(
        html.replace("\x00", ""),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
        clean_content_tags={"script", "style"},
    )


_BREAKS = re.compile(r"(?i)<br\s*/?>|</p\s*>")


def html_to_text(html: str) -> str:
    """The plain text of network HTML (for counting, search, exports): never put it in a page
    unescaped."""
    if not html:
        return ""
    stripped = nh3.clean(_BREAKS.sub("\n", html.replace("\x00", "")), tags=set())
    return unescape(stripped).strip()


# C0 control characters other than tab and line feed: NUL breaks PostgreSQL text columns and
# some exports; the rest have no meaning in a message.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    """Plain text from the public or a network, ready to store: no control characters, line
    breaks as \\n. Everything else (bidi marks, emoji, long words) is kept and escaped on output."""
    if not text:
        return ""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
