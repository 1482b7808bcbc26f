from html.parser import HTMLParser

import pytest

from beatdesk.core.sanitise import clean_html, html_to_text
from beatdesk.core.tests.hostile import MARKER, PAYLOADS


def test_mastodon_markup_survives():
    html = (
        '<p>Road closed on <span class="h-card"><a href="https://police.example/@york" '
        'class="u-url mention">@<span>york</span></a></span><br>Use the A64.</p>'
    )
    cleaned = clean_html(html)
    assert cleaned == (
        '<p>Road closed on <span><a href="https://police.example/@york" '
        'rel="nofollow noopener noreferrer">@<span>york</span></a></span><br>Use the A64.</p>'
    )


class Structure(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attrs = set(), []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attrs += [(tag, k, v) for k, v in attrs]


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_no_payload_keeps_anything_that_runs(name):
    cleaned = clean_html(PAYLOADS[name])
    parsed = Structure()
    parsed.feed(cleaned)
    # What is left is only allowed tags, with only a web link and its rel: nothing can run.
    assert parsed.tags <= {"p", "br", "a", "span"}, (name, cleaned)
    for tag, attr, value in parsed.attrs:
        assert (tag, attr) in {("a", "href"), ("a", "rel")}, (name, cleaned)
        if attr == "href":
            assert value.startswith(("http://", "https://")), (name, cleaned)
    assert "\x00" not in cleaned


def test_only_http_and_https_links_keep_their_target():
    assert 'href="http://a.example/"' in clean_html('<a href="http://a.example/">a</a>')
    for href in (
        "javascript:alert(1)",
        "data:text/html,x",
        "vbscript:x",
        "ftp://x.example/",
        "&#106;avascript:alert(1)",
        " javascript:alert(1)",
    ):
        assert "href" not in clean_html(f'<a href="{href}">x</a>'), href


def test_links_always_get_nofollow_noopener():
    cleaned = clean_html('<a href="https://a.example/" rel="me" target="_blank">a</a>')
    assert cleaned == '<a href="https://a.example/" rel="nofollow noopener noreferrer">a</a>'


def test_other_tags_are_stripped_but_text_kept():
    assert clean_html("<h1>Big</h1><b>bold</b><ul><li>item</li></ul>") == "Bigbolditem"


def test_plain_text_for_search_and_counting():
    assert html_to_text("<p>a &amp; b<br>c</p><p>d</p>") == "a & b\nc\nd"
    assert MARKER not in html_to_text(PAYLOADS["script_tag"])


def test_clean_text_removes_control_characters_and_keeps_the_rest():
    from beatdesk.core.sanitise import clean_text

    assert clean_text("a\x00b\x07c\r\nd\re\tf") == "abc\nd\ne\tf"
    assert clean_text(PAYLOADS["rtl_override"]) == PAYLOADS["rtl_override"]
    assert clean_text(PAYLOADS["unicode_mix"]) == PAYLOADS["unicode_mix"]
