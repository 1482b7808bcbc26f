"""Counting text the way each network does, on text that trips naive counters.

Every expected number is worked out by hand from the network's published rules (the comment
beside it shows the sum), not taken from the implementation.
"""

import json

import pytest
import regex

from beatdesk.forces.models import Channel
from beatdesk.networks import text
from beatdesk.networks.base import TextRules
from beatdesk.networks.text import DEFAULT_RULES, check_text, counter_config, measure, rules_for

X = DEFAULT_RULES["x"]
BLUESKY = DEFAULT_RULES["bluesky"]
MASTODON = DEFAULT_RULES["mastodon"]
FACEBOOK = DEFAULT_RULES["facebook"]
HUB = DEFAULT_RULES["hub"]

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"  # man, woman, girl, boy
UK_FLAG = "\U0001f1ec\U0001f1e7"  # regional indicators G and B
ENGLAND_FLAG = "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
WAVE_MEDIUM = "\U0001f44b\U0001f3fd"  # waving hand, medium skin tone
KEYCAP_ONE = "1\ufe0f\u20e3"
RAINBOW_FLAG = "\U0001f3f3\ufe0f\u200d\U0001f308"  # white flag (text style) + VS16 + ZWJ + rainbow
RLM = "\u200f"


def channel(network, **config):
    return Channel(network=network, config=config)


def x_count(value):
    return measure(value, X).count


class TestXWeighted:
    def test_latin_text_counts_one_per_character(self):
        assert x_count("Burglary in Haxby") == 17

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            (FAMILY, 2),  # 7 code points, one ZWJ sequence: one emoji
            (UK_FLAG, 2),  # a pair of regional indicators is one flag
            (UK_FLAG + "\U0001f1fa\U0001f1f8", 4),  # two flags side by side: 2 + 2
            (ENGLAND_FLAG, 2),  # black flag + five tag letters + cancel tag: one emoji
            (WAVE_MEDIUM, 2),  # skin tone modifier belongs to the emoji
            ("Hi " + WAVE_MEDIUM, 5),  # 3 + 2
            ("\u261d\U0001f3fd", 2),  # text-style index finger + skin tone: one emoji
            (KEYCAP_ONE, 2),  # digit + VS16 + combining keycap
            ("#\u20e3", 2),  # keycap without the variation selector
            (RAINBOW_FLAG, 2),
            ("\u00a9", 1),  # (c) as plain text: U+00A9 is in 0-4351
            ("\u00a9\ufe0f", 2),  # (c) asked to be shown as emoji
            ("\u2764", 2),  # heavy heart, text style: U+2764 is outside the ranges
            ("\u2764\ufe0f", 2),  # the same as emoji: still 2, not 2 + 1
        ],
    )
    def test_emoji_sequences_count_two_each(self, value, expected):
        assert x_count(value) == expected

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("\u65e5\u672c\u8a9e", 6),  # Japanese kanji: 3 x 2
            ("\u30c6\u30b9\u30c8", 6),  # katakana: 3 x 2
            ("\ud55c\uad6d\uc5b4", 6),  # Hangul syllables: 3 x 2
            ("York \u8b66\u5bdf", 9),  # 5 + 2 x 2
        ],
    )
    def test_cjk_counts_two_each(self, value, expected):
        assert x_count(value) == expected

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("\u2013", 1),  # en dash U+2013 = 8211, in 8208-8223
            ("\u2026", 2),  # ellipsis U+2026 = 8230, between the ranges
            ("\u2032", 1),  # prime U+2032 = 8242, in 8242-8247
            ("\u2030", 2),  # per mille U+2030 = 8240, just below 8242
            ("\u200d", 1),  # a lone ZWJ U+200D = 8205, in 8192-8205
            ("\u2122", 2),  # trade mark U+2122 = 8482
            ("Wait\u2026", 6),  # 4 + 2
        ],
    )
    def test_punctuation_weights_follow_the_ranges(self, value, expected):
        assert x_count(value) == expected

    def test_combining_marks_are_composed_before_counting(self):
        # NFC turns e + U+0301 into U+00E9: one character.
        assert x_count("cafe\u0301") == 4
        # q + U+0301 has no composed form: q (1) + U+0301 = 769, in range (1).
        assert x_count("q\u0301") == 2

    def test_right_to_left_text(self):
        assert x_count("\u05e9\u05dc\u05d5\u05dd") == 4  # Hebrew letters are below 4352
        assert x_count("\u0645\u0631\u062d\u0628\u0627") == 5  # Arabic too
        # The right-to-left mark U+200F = 8207 falls between 8192-8205 and 8208-8223: weight 2.
        assert x_count("\u05e9\u05dc\u05d5\u05dd" + RLM + "!") == 7  # 4 + 2 + 1
        assert x_count("\u0645\u0631\u062d\u0628\u0627 " + RLM + "York") == 12  # 5+1+2+4

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("https://northyorkshire.police.uk/news/", 23),
            ("https://example.org/" + "a" * 200, 23),  # long: still 23
            ("Details: northyorkshire.police.uk", 32),  # 9 + 23, no scheme needed
            ("www.example.com.", 24),  # the full stop ends the sentence, not the link: 23 + 1
            ("see example.com/path?x=1.", 28),  # 4 + 23 + 1
            ("(see https://example.org/a)", 29),  # 5 + 23 + 1: the bracket is not the link's
            ("https://en.wikipedia.org/wiki/Haxby_(village)", 23),  # balanced brackets are
            ("a.com b.org", 47),  # 23 + 1 + 23
            ("someone@example.com", 19),  # an email address is not a link: 19 x 1
            ("example.com@x", 13),  # nor a domain glued to an @
            ("#example.com", 12),  # nor a hashtag
            ("https://\u4f8b\u3048.jp/x", 23),  # an internationalised name after a scheme
        ],
    )
    def test_links_count_twenty_three(self, value, expected):
        assert x_count(value) == expected

    def test_line_breaks_count_once_whatever_the_browser_sent(self):
        assert x_count("a\r\nb") == 3
        assert x_count("a\nb") == 3

    def test_limit_and_over_by(self):
        fits = measure("a" * 280, X)
        assert (fits.count, fits.over_by, fits.ok) == (280, 0, True)
        over = measure("a" * 279 + "\u2026", X)  # 279 + 2
        assert (over.count, over.over_by, over.ok) == (281, 1, False)

    def test_simulated_network_counts_like_x(self):
        value = "Hi " + FAMILY + " https://example.org/" + "x" * 50
        assert measure(value, DEFAULT_RULES["simulated"]).count == 3 + 2 + 1 + 23
        assert DEFAULT_RULES["simulated"].limit == 280


class TestBluesky:
    def test_graphemes_and_bytes(self):
        m = measure(FAMILY, BLUESKY)
        # One grapheme; four 4-byte people and three 3-byte ZWJs.
        assert (m.count, m.bytes) == (1, 4 * 4 + 3 * 3)
        m = measure(ENGLAND_FLAG, BLUESKY)
        assert (m.count, m.bytes) == (1, 7 * 4)  # seven 4-byte code points
        m = measure(UK_FLAG + UK_FLAG, BLUESKY)
        assert (m.count, m.bytes) == (2, 16)

    def test_combining_marks_and_cjk(self):
        assert (measure("e\u0301", BLUESKY).count, measure("e\u0301", BLUESKY).bytes) == (1, 3)
        assert (measure("\u65e5\u672c", BLUESKY).count, measure("\u65e5\u672c", BLUESKY).bytes) == (
            2,
            6,
        )
        # Arabic letters are 2 bytes each, the right-to-left mark 3.
        m = measure("\u0645\u0631\u062d\u0628\u0627" + RLM, BLUESKY)
        assert (m.count, m.bytes) == (6, 5 * 2 + 3)

    def test_links_count_in_full(self):
        assert measure("https://example.org/abc", BLUESKY).count == 23
        assert measure("https://example.org/" + "a" * 50, BLUESKY).count == 70

    def test_byte_limit(self):
        signed = FAMILY * 121 + "\nPC 2291 Holmes"  # 121 x 25 + 1 + 14 = 3,040 bytes
        m = measure(signed, BLUESKY)
        assert (m.count, m.bytes, m.bytes_over_by, m.over_by, m.ok) == (136, 3040, 40, 0, False)
        assert check_text(signed, [channel("bluesky")]) == [
            "Too long for Bluesky by 40 bytes (3,040 of 3,000 bytes, signature included)."
        ]

    def test_grapheme_limit(self):
        assert measure("a" * 300, BLUESKY).ok
        assert measure(FAMILY * 300, BLUESKY).over_by == 0  # 300 graphemes, but 7,500 bytes
        assert not measure(FAMILY * 300, BLUESKY).ok
        assert measure("a" * 301, BLUESKY).over_by == 1


class TestMastodon:
    def test_remote_mentions_count_the_username_only(self):
        # "@alice hello": 6 + 6
        assert measure("@alice@mastodon.social hello", MASTODON).count == 12
        # "Thanks " 7 + "@bob" 4 + " and " 5 + "@carol" 6 + "!" 1
        assert measure("Thanks @bob@police.example and @carol!", MASTODON).count == 23

    def test_email_addresses_are_not_mentions(self):
        assert measure("alice@example.com", MASTODON).count == 17

    def test_links_count_twenty_three_only_with_a_scheme(self):
        long_link = "https://northyorkshire.police.uk/news/appeal-for-witnesses-in-haxby/"
        assert measure("Read " + long_link, MASTODON).count == 5 + 23
        assert measure("https://mastodon.social/@alice", MASTODON).count == 23
        # Mastodon does not link a bare domain, so it counts every character.
        assert measure("northyorkshire.police.uk", MASTODON).count == 24

    def test_graphemes(self):
        assert measure(FAMILY + " " + UK_FLAG, MASTODON).count == 3
        assert measure("cafe\u0301", MASTODON).count == 4

    def test_server_limit_from_instance_info(self):
        assert rules_for(channel("mastodon")).limit == 500
        rules = rules_for(channel("mastodon", max_characters=1000, characters_reserved_per_url=30))
        assert (rules.limit, rules.url_length) == (1000, 30)
        assert measure("https://example.org/" + "a" * 40, rules).count == 30

    @pytest.mark.parametrize("bad", [0, -5, "lots", None, True, [500]])
    def test_nonsense_limits_fall_back_to_the_default(self, bad):
        assert rules_for(channel("mastodon", max_characters=bad)).limit == 500

    def test_string_limits_from_json_are_read(self):
        assert rules_for(channel("mastodon", max_characters="5000")).limit == 5000


class TestCharacters:
    def test_facebook_and_hub_count_code_points(self):
        assert measure(FAMILY, FACEBOOK).count == 7
        assert measure("cafe\u0301", HUB).count == 5
        assert FACEBOOK.limit == 63_206
        assert HUB.limit == 5_000
        assert measure("a" * 5_001, HUB).over_by == 1

    def test_links_are_counted_in_full(self):
        assert measure("https://example.org/" + "a" * 50, FACEBOOK).count == 70

    def test_unknown_network(self):
        with pytest.raises(LookupError, match="No text rules"):
            rules_for(channel("myspace"))

    def test_unknown_method(self):
        with pytest.raises(ValueError, match="Unknown counting method"):
            measure("a", TextRules(network="x", limit=1, method="bytes"))


class TestCheckText:
    def test_too_long_for_x(self):
        signed = "a" * 288 + "\n^JH"  # 288 + 1 + 3 = 292
        assert check_text(signed, [channel("hub"), channel("x")]) == [
            "Too long for X by 12 characters (292 of 280, signature included)."
        ]

    def test_one_character_over_is_singular(self):
        assert check_text("a" * 281, [channel("x")]) == [
            "Too long for X by 1 character (281 of 280, signature included)."
        ]

    def test_one_message_per_network_in_channel_order(self):
        signed = "a" * 310  # over X (280) and Bluesky (300), within Mastodon (500)
        messages = check_text(
            signed, [channel("hub"), channel("x"), channel("mastodon"), channel("bluesky")]
        )
        assert messages == [
            "Too long for X by 30 characters (310 of 280, signature included).",
            "Too long for Bluesky by 10 characters (310 of 300, signature included).",
        ]

    def test_characters_and_bytes_together(self):
        signed = FAMILY * 301  # 301 graphemes, 7,525 bytes
        assert check_text(signed, [channel("bluesky")]) == [
            "Too long for Bluesky by 1 character (301 of 300, signature included) and by "
            "4,525 bytes (7,525 of 3,000 bytes, signature included)."
        ]

    def test_large_numbers_have_separators(self):
        assert check_text("a" * 5_010, [channel("hub")]) == [
            "Too long for the hub by 10 characters (5,010 of 5,000, signature included)."
        ]

    def test_fits_everywhere(self):
        assert check_text("Road closed on the A64 " + UK_FLAG, [channel("x"), channel("hub")]) == []

    def test_same_rules_twice_give_one_message(self):
        assert len(check_text("a" * 300, [channel("x"), channel("x")])) == 1

    @pytest.mark.django_db
    def test_an_accounts_channels(self, account):
        york = account("york")
        networks = sorted(york.channels.values_list("network", flat=True))
        assert networks == ["hub", "simulated"]
        assert check_text("a" * 290, york.channels.all()) == [
            "Too long for the simulated network by 10 characters (290 of 280, signature included)."
        ]


class TestCounterConfig:
    def test_carries_rules_and_signature(self):
        config = json.loads(
            counter_config([channel("x"), channel("bluesky"), channel("mastodon")], "^JH")
        )
        assert config["signature"] == "^JH"
        by_network = {rule["network"]: rule for rule in config["rules"]}
        assert list(by_network) == ["x", "bluesky", "mastodon"]
        assert by_network["x"]["limit"] == 280
        assert by_network["x"]["method"] == "x-weighted"
        assert by_network["x"]["normalize"] == "NFC"
        assert by_network["x"]["weights"]["ranges"] == [
            [0, 4351],
            [8192, 8205],
            [8208, 8223],
            [8242, 8247],
        ]
        assert by_network["bluesky"]["byte_limit"] == 3000
        assert by_network["bluesky"]["url_pattern"] is None
        assert by_network["mastodon"]["url_length"] == 23
        # Patterns travel once, by name, whatever the number of rules that use them.
        assert by_network["x"]["url_pattern"] == "url"
        assert by_network["x"]["emoji_pattern"] == "emoji"
        assert by_network["mastodon"]["url_pattern"] == "url_with_scheme"
        assert by_network["mastodon"]["mention_pattern"] == "mention"
        assert config["patterns"] == {
            "emoji": text.EMOJI_CLUSTER_PATTERN,
            "mention": text.MENTION_PATTERN,
            "url": text.URL_PATTERN,
            "url_with_scheme": text.URL_WITH_SCHEME_PATTERN,
        }

    def test_only_the_patterns_in_use_are_sent(self):
        config = json.loads(counter_config([channel("hub"), channel("bluesky")], ""))
        assert config["patterns"] == {}
        config = json.loads(counter_config([channel("x"), channel("simulated")], ""))
        assert sorted(config["patterns"]) == ["emoji", "url"]

    def test_mastodon_server_limit_reaches_the_browser(self):
        config = json.loads(counter_config([channel("mastodon", max_characters=11000)], ""))
        assert config["rules"][0]["limit"] == 11000

    def test_json_is_safe_inside_an_html_attribute_once_escaped(self):
        raw = counter_config([channel("x")], '<b>"^JH"</b>')
        assert json.loads(raw)["signature"] == '<b>"^JH"</b>'
        assert raw.isascii()

    def test_patterns_compile(self):
        for pattern in (
            text.URL_PATTERN,
            text.URL_WITH_SCHEME_PATTERN,
            text.MENTION_PATTERN,
            text.EMOJI_CLUSTER_PATTERN,
        ):
            regex.compile(pattern, regex.IGNORECASE | regex.V0)
