"""The composer's counter in a real browser counts exactly as the server does."""

import json

import pytest

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


def load_counter(page, config):
    """A desk page (with its real Content Security Policy) plus a composer textarea."""
    page.goto("/desk/login/")
    # Only what the counter does is ours to check here: watch from now on.
    violations = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    page.evaluate(
        """(config) => {
            const label = document.createElement("label");
            label.htmlFor = "post-text";
            label.textContent = "Post";
            const area = document.createElement("textarea");
            area.id = "post-text";
            area.setAttribute("data-counter", config);
            area.setAttribute("aria-describedby", "post-text-count");
            const out = document.createElement("output");
            out.id = "post-text-count";
            out.setAttribute("for", "post-text");
            out.setAttribute("aria-live", "polite");
            document.body.append(label, area, out);
        }""",
        config,
    )
    page.add_script_tag(url="/static/beatdesk/counter.js")
    page.wait_for_function("() => window.BeatdeskCounter !== undefined")
    return violations


def test_browser_counts_match_the_server(page):
    config = counter_config(CHANNELS, SIGNATURE)
    violations = load_counter(page, config)
    rules = [rules_for(c) for c in CHANNELS]
    rule_dicts = json.loads(config)["rules"]

    browser = page.evaluate(
        """([values, rules, signature]) => values.map((v) => rules.map((r) => {
            const m = BeatdeskCounter.measure(BeatdeskCounter.signed(v, signature), r);
            return [m.count, m.bytes, m.over_by, m.ok];
        }))""",
        [TRICKY, rule_dicts, SIGNATURE],
    )
    server = [
        [[m.count, m.bytes, m.over_by, m.ok] for m in (measure(signed(value), r) for r in rules)]
        for value in TRICKY
    ]
    for value, b, s in zip(TRICKY, browser, server, strict=True):
        assert b == s, f"browser and server disagree on {value!r}"
    assert violations == []


def test_counter_shows_each_network_as_the_officer_types(page):
    config = counter_config(
        [Channel(network="hub"), Channel(network="x"), Channel(network="bluesky")], "^JH"
    )
    load_counter(page, config)
    output = page.locator("#post-text-count")
    area = page.locator("#post-text")

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

    area.fill("Road closed")
    page.wait_for_function(
        "() => document.querySelector('#post-text-count .visually-hidden').textContent"
        " === 'Hub: 4,985 characters left, X: 265 characters left, Bluesky: 285 characters left.'"
    )
    assert area.get_attribute("data-counter-state") == "ok"
