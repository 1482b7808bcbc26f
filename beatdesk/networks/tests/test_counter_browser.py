"""The composer's counter in a real browser counts exactly as the server does."""

import json

import pytest
from django.template import Context, Template

from beatdesk.core.testing import axe_violations
from beatdesk.forces.models import Channel
from beatdesk.networks.text import counter_config, measure, rules_for

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"
ENGLAND_FLAG = "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"

TRICKY = [
    "Burglary in Haxby last night. Call 101.",
    FAMILY + " " + ENGLAND_FLAG + " \U0001f1ec\U0001f1e7\U0001f1fa\U0001f1f8",
    "Hi \U0001f44b\U0001f3fd \u261d\U0001f3fd 1\ufe0f\u20e3 #\u20e3 \u00a9 \u00a9\ufe0f \u2764 \u2764\ufe0f",
    "\U0001f3f3\ufe0f\u200d\U0001f308 \u2122 \u2026 \u2013 \u2032 \u2030",
    "\u65e5\u672c\u8a9e \u30c6\u30b9\u30c8 \ud55c\uad6d\uc5b4 York \u8b66\u5bdf",
    "cafe\u0301 q\u0301 e\u0301",
    "\u05e9\u05dc\u05d5\u05dd\u200f! \u0645\u0631\u062d\u0628\u0627 \u200fYork",
    "See https://northyorkshire.police.uk/news/appeal-for-witnesses-in-haxby-after-burglary/ now",
    "Details: northyorkshire.police.uk or www.example.com. (see https://example.org/a)",
    "https://en.wikipedia.org/wiki/Haxby_(village) a.com b.org someone@example.com #example.com",
    "https://\u4f8b\u3048.jp/x and see example.com/path?x=1.",
    "Thanks @bob@police.example and @carol! https://mastodon.social/@alice alice@example.com",
    "line one\r\nline two\rline three\n",
    FAMILY * 121,
    "a" * 310,
    "odd spaces at the end\u00a0\u3000\u0085\x1f",
    "a zero-width no-break space is not trimmed\ufeff",
    "\u0d15\u0d4d\u0d37 \u0915\u094d\u0937 \u0e01\u0e33",  # Indic conjuncts, Thai sara am
]

CHANNELS = [
    Channel(network="hub"),
    Channel(network="x"),
    Channel(network="bluesky"),
    Channel(network="mastodon", config={"max_characters": 1000}),
    Channel(network="facebook"),
    Channel(network="simulated"),
]
SIGNATURE = "PC 2291 Holmes"


def signed(value):
    # As people.signatures.sign() joins them.
    return f"{value.rstrip()}\n{SIGNATURE}"


COMPOSER = Template(
    # The markup contract documented at the top of counter.js, rendered by Django as a
    # composer page will render it (autoescaping the JSON inside the attribute).
    '<label for="post-text">Post</label>'
    '<textarea id="post-text" name="text" data-counter="{{ counter_config }}"'
    ' aria-describedby="post-text-hint post-text-count"></textarea>'
    '<p id="post-text-hint">Your signature is added at the end.</p>'
    '<output id="post-text-count" for="post-text" aria-live="polite">'
    "Limits are checked when you post.</output>"
)


def load_counter(page, config):
    """A desk page (with its real Content Security Policy) plus a composer textarea."""
    page.goto("/desk/login/")
    # Only what the counter does is ours to check here: watch from now on.
    violations = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    html = COMPOSER.render(Context({"counter_config": config}))
    page.evaluate(
        "(html) => document.querySelector('main').insertAdjacentHTML('beforeend', html)", html
    )
    page.add_script_tag(url="/static/beatdesk/counter.js")
    page.wait_for_function("() => window.BeatdeskCounter !== undefined")
    return violations


def test_browser_counts_match_the_server(page):
    config = counter_config(CHANNELS, SIGNATURE)
    violations = load_counter(page, config)
    rules = [rules_for(c) for c in CHANNELS]
    browser = page.evaluate(
        """([values, config]) => {
            const rules = BeatdeskCounter.rulesFrom(config);
            return values.map((v) => rules.map((r) => {
                const m = BeatdeskCounter.measure(BeatdeskCounter.signed(v, config.signature), r);
                return [m.count, m.bytes, m.over_by, m.ok];
            }));
        }""",
        [TRICKY, json.loads(config)],
    )
    server = [
        [[m.count, m.bytes, m.over_by, m.ok] for m in (measure(signed(value), r) for r in rules)]
        for value in TRICKY
    ]
    for value, b, s in zip(TRICKY, browser, server, strict=True):
        assert b == s, f"browser and server disagree on {value!r}"
    assert violations == []


FRAGMENTS = [
    "a",
    "Z",
    "7",
    " ",
    "\n",
    "\r\n",
    ".",
    ",",
    "!",
    "(",
    ")",
    "/",
    "-",
    "_",
    "@",
    "#",
    "?",
    "=",
    "&",
    "\u2026",
    "\u2013",
    "\u00e9",
    "e\u0301",
    "q\u0301",
    "\u00a9",
    "\ufe0f",
    "\u20e3",
    "\u200d",
    "\u200f",
    "\u200e",
    "\u05e9",
    "\u0645",
    "\u65e5",
    "\ud55c",
    "\u0915\u094d",
    FAMILY,
    ENGLAND_FLAG,
    "\U0001f1ec",
    "\U0001f1e7",
    "\U0001f44b",
    "\U0001f3fd",
    "\u261d",
    "\u2764",
    "1\ufe0f\u20e3",
    "https://",
    "http://",
    "www.",
    "example",
    ".com",
    ".co.uk",
    ".police.uk",
    "/path",
    "?q=1",
    "@alice",
    "@alice@example.social",
    "north-yorkshire",
    "\u4f8b\u3048",
    ".jp",
    "xn--",
    "\u00a0",
    "\u3000",
    "\t",
]


def test_browser_matches_the_server_on_random_mixtures(page):
    """Hundreds of strings glued from the awkward pieces above, in every order."""
    import random

    rng = random.Random(8)
    values = ["".join(rng.choices(FRAGMENTS, k=rng.randint(1, 40))) for _ in range(400)]
    config = counter_config(CHANNELS, SIGNATURE)
    load_counter(page, config)
    browser = page.evaluate(
        """([values, config]) => {
            const rules = BeatdeskCounter.rulesFrom(config);
            return values.map((v) => rules.map((r) => {
                const m = BeatdeskCounter.measure(BeatdeskCounter.signed(v, config.signature), r);
                return [m.count, m.bytes];
            }));
        }""",
        [values, json.loads(config)],
    )
    rules = [rules_for(c) for c in CHANNELS]
    for value, counted in zip(values, browser, strict=True):
        expected = [[m.count, m.bytes] for m in (measure(signed(value), r) for r in rules)]
        assert counted == expected, f"browser and server disagree on {value!r}"


def test_counter_shows_each_network_as_the_officer_types(page):
    config = counter_config(
        [Channel(network="hub"), Channel(network="x"), Channel(network="bluesky")], "^JH"
    )
    load_counter(page, config)
    output = page.locator("#post-text-count")
    area = page.locator("#post-text")

    assert "Limits are checked when you post." not in output.inner_text()
    # Before typing, the line break and the signature already count: 1 + 3.
    expect_lines = output.locator("li")
    assert expect_lines.all_inner_texts() == ["Hub: 4 / 5,000", "X: 4 / 280", "Bluesky: 4 / 300"]
    assert area.get_attribute("data-counter-state") == "ok"

    area.fill("a" * 288)  # 288 + newline + "^JH" = 292
    assert expect_lines.all_inner_texts() == [
        "Hub: 292 / 5,000",
        "X: 292 / 280, over by 12",
        "Bluesky: 292 / 300",
    ]
    assert area.get_attribute("data-counter-state") == "over"
    assert output.locator("li[data-network=x]").get_attribute("data-counter-state") == "over"
    # Screen readers hear one summary once typing pauses, not every keystroke.
    page.wait_for_function(
        "() => document.querySelector('#post-text-count .visually-hidden').textContent"
        ".includes('Too long for X by 12 characters.')"
    )
    assert output.locator("ul").get_attribute("aria-hidden") == "true"

    area.fill(FAMILY * 121 + "   ")  # trailing spaces are trimmed before the signature
    assert expect_lines.all_inner_texts()[2] == (
        "Bluesky: 125 / 300 (3,029 / 3,000 bytes, over by 29 bytes)"  # 121 x 25 + 1 + 3
    )

    # A long paste is counted once typing pauses.
    area.fill("a" * 5_001)
    page.wait_for_function(
        "() => document.querySelector('#post-text-count li').textContent"
        " === 'Hub: 5,005 / 5,000, over by 5'"
    )

    area.fill("Road closed")
    page.wait_for_function(
        "() => document.querySelector('#post-text-count .visually-hidden').textContent"
        " === 'Hub: 4,985 characters left, X: 265 characters left, Bluesky: 285 characters left.'"
    )
    assert area.get_attribute("data-counter-state") == "ok"
    assert axe_violations(page) == []


def test_a_part_added_later_by_htmx_gets_a_counter(page):
    config = counter_config([Channel(network="x")], "^JH")
    load_counter(page, config)
    html = COMPOSER.render(Context({"counter_config": config})).replace("post-text", "part-2")
    page.evaluate(
        """(html) => {
            const holder = document.createElement("div");
            holder.innerHTML = html;
            document.querySelector("main").append(holder);
            // What htmx fires on content it has just swapped in.
            holder.dispatchEvent(new CustomEvent("htmx:load", {bubbles: true}));
        }""",
        html,
    )
    page.locator("#part-2").fill("Second part")
    assert page.locator("#part-2-count li").all_inner_texts() == ["X: 15 / 280"]  # 11 + 1 + 3
    # The first part's counter is untouched.
    assert page.locator("#post-text-count li").all_inner_texts() == ["X: 4 / 280"]
