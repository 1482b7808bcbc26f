"""Per-network character rules and counting, in one place.

The composer's live counter (``static/beatdesk/counter.js``) and the server's validation count
with the same rules: the patterns below are sent to the browser inside the counter's JSON
(``counter_config``), so the URL, mention and emoji rules have one source. The browser only
re-implements the small loops around them, and a browser test proves both give the same counts.

Sources (see docs/decisions/0020-text-rules.md):

- X: twitter-text v3 (``parseTweet`` with the ``version3`` config). Text is NFC-normalised;
  code points in 0-4351, 8192-8205, 8208-8223 and 8242-8247 weigh 1, all others 2; a URL counts
  23 whatever its length; an emoji (a whole ZWJ sequence, flag, keycap or skin-toned emoji)
  counts 2.
- Bluesky: 300 grapheme clusters and 3,000 UTF-8 bytes (the app.bsky.feed.post lexicon).
- Mastodon: the server's ``max_characters`` (500 by default), counted in grapheme clusters,
  each URL as 23 characters (``characters_reserved_per_url``), and a remote mention
  ``@user@domain`` as ``@user`` only (Mastodon's StatusLengthValidator).
- Facebook Pages: 63,206 characters.
- Hub: 5,000 characters (our own limit, see the decision record).
"""

from __future__ import annotations

import functools
import json
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import regex

from beatdesk.networks.base import TextRules

if TYPE_CHECKING:
    from beatdesk.forces.models import Channel

# --- The rules -----------------------------------------------------------------------------

HUB_LIMIT = 5_000
X_LIMIT = 280
BLUESKY_LIMIT = 300
BLUESKY_BYTE_LIMIT = 3_000
MASTODON_DEFAULT_LIMIT = 500
FACEBOOK_LIMIT = 63_206
URL_LENGTH = 23

DEFAULT_RULES: dict[str, TextRules] = {
    "hub": TextRules(network="hub", limit=HUB_LIMIT, method="characters"),
    "x": TextRules(network="x", limit=X_LIMIT, method="x-weighted", url_length=URL_LENGTH),
    "bluesky": TextRules(
        network="bluesky",
        limit=BLUESKY_LIMIT,
        method="graphemes",
        byte_limit=BLUESKY_BYTE_LIMIT,
    ),
    "mastodon": TextRules(
        network="mastodon",
        limit=MASTODON_DEFAULT_LIMIT,
        method="graphemes",
        url_length=URL_LENGTH,
    ),
    "facebook": TextRules(network="facebook", limit=FACEBOOK_LIMIT, method="characters"),
    # The demo's simulated network counts like X, so the demo shows what limits feel like.
    "simulated": TextRules(
        network="simulated", limit=X_LIMIT, method="x-weighted", url_length=URL_LENGTH
    ),
}

# How each network is named in messages and in the counter.
NETWORK_LABELS = {
    "hub": "the hub",
    "x": "X",
    "bluesky": "Bluesky",
    "mastodon": "Mastodon",
    "facebook": "Facebook",
    "simulated": "the simulated network",
}

# How each network is named in the composer's counter.
NETWORK_NAMES = {
    "hub": "Hub",
    "x": "X",
    "bluesky": "Bluesky",
    "mastodon": "Mastodon",
    "facebook": "Facebook",
    "simulated": "Simulated",
}

METHODS = ("characters", "x-weighted", "graphemes")

# twitter-text v3: code points in these ranges weigh 1 (100 at scale 100); others weigh 2.
X_WEIGHT_RANGES: tuple[tuple[int, int], ...] = (
    (0, 4351),
    (8192, 8205),
    (8208, 8223),
    (8242, 8247),
)
X_RANGE_WEIGHT = 1
X_DEFAULT_WEIGHT = 2
X_EMOJI_WEIGHT = 2

# --- Patterns, written in the syntax both Python's ``regex`` (V0) and JavaScript (``u``
# flag) accept: no ``$``, no inline flags, no Python-only escapes. ------------------------

# twitter-text accepts a URL without a scheme only if it ends in a known top-level domain. We
# keep every ASCII country-code TLD and the generic ones a UK public service links to; a
# scheme-less link on a rarer generic TLD counts as plain text (X may count it as 23).
_CC_TLDS_TEXT = (
    "ac ad ae af ag ai al am an ao aq ar as at au aw ax az ba bb bd be bf bg bh bi bj bl bm "
    "bn bo bq br bs bt bv bw by bz ca cc cd cf cg ch ci ck cl cm cn co cr cu cv cw cx cy cz "
    "de dj dk dm do dz ec ee eg eh er es et eu fi fj fk fm fo fr ga gb gd ge gf gg gh gi gl "
    "gm gn gp gq gr gs gt gu gw gy hk hm hn hr ht hu id ie il im in io iq ir is it je jm jo "
    "jp ke kg kh ki km kn kp kr kw ky kz la lb lc li lk lr ls lt lu lv ly ma mc md me mf mg "
    "mh mk ml mm mn mo mp mq mr ms mt mu mv mw mx my mz na nc ne nf ng ni nl no np nr nu nz "
    "om pa pe pf pg ph pk pl pm pn pr ps pt pw py qa re ro rs ru rw sa sb sc sd se sg sh si "
    "sj sk sl sm sn so sr ss st su sv sx sy sz tc td tf tg th tj tk tl tm tn to tp tr tt tv "
    "tw tz ua ug uk um us uy uz va vc ve vg vi vn vu wf ws ye yt za zm zw"
)
_G_TLDS_TEXT = (
    "com org net edu gov mil int info biz name pro mobi app dev page blog news online site "
    "website link live life world today media social help support community charity ngo "
    "foundation care health services school education college university academy london scot "
    "wales cymru museum travel events email store shop tech xyz top club video radio press "
    "report review guide global digital network cloud group team law legal agency city town "
    "gallery art"
)
_TLDS = sorted(set(_CC_TLDS_TEXT.split()) | set(_G_TLDS_TEXT.split()), key=lambda t: (-len(t), t))

_PATH_CHAR = r"[a-z0-9!*';:=+,.$/%#\[\]\-\u2013_~@|&\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0300-\u036f\u0400-\u04ff\u1e00-\u1eff]"
_PATH_END = (
    r"[+\-a-z0-9=_#/\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u0300-\u036f\u0400-\u04ff\u1e00-\u1eff]"
)
_PARENS = rf"\((?:{_PATH_CHAR}+|{_PATH_CHAR}*\({_PATH_CHAR}+\){_PATH_CHAR}*)\)"
_QUERY_CHAR = r"[a-z0-9!?*'@();:&=+$/%#\[\]\-_.,~|]"
_QUERY_END = r"[a-z0-9\-_&=#/]"


# Labels are at most 63 characters and a host has at most ten labels before the domain
# name: real hosts fit, and the bounds keep matching linear on text like "a.a.a.a..." that
# would otherwise make every keystroke in the composer re-scan the whole text.
_ASCII_LABEL = r"[a-z0-9](?:[a-z0-9_\-]{0,61}[a-z0-9])?"
_ASCII_NAME = r"[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?"
_ASCII_HOST = rf"(?:{_ASCII_LABEL}\.){{0,10}}{_ASCII_NAME}\."
# After a scheme, twitter-text also accepts internationalised names (e.g. 例え.jp).
_WORD_CHAR = r"[\p{L}\p{M}\p{N}]"
_ANY_LABEL = rf"{_WORD_CHAR}(?:[\p{{L}}\p{{M}}\p{{N}}_\-]{{0,61}}{_WORD_CHAR})?"
_ANY_NAME = rf"{_WORD_CHAR}(?:[\p{{L}}\p{{M}}\p{{N}}\-]{{0,61}}{_WORD_CHAR})?"
_ANY_HOST = rf"(?:{_ANY_LABEL}\.){{0,10}}{_ANY_NAME}\."


def _url_pattern(*, scheme_required: bool) -> str:
    host = rf"https?://{_ANY_HOST}"
    if not scheme_required:
        host = rf"(?:{host}|{_ASCII_HOST})"
    return (
        # Not glued to a word, a mention, a cashtag or a hashtag, nor to -_./ (twitter-text).
        r"(?<![a-z0-9@\uff20$#\uff03_.\/\-])"
        + host
        + r"(?:xn--[a-z0-9\-]+|"
        + "|".join(_TLDS)
        + r")(?![a-z0-9@+\-])"
        + r"(?::[0-9]+)?"
        + rf"(?:/(?:(?:{_PATH_CHAR}|{_PARENS})*(?:{_PATH_END}|{_PARENS}))?)?"
        + rf"(?:\?{_QUERY_CHAR}*{_QUERY_END})?"
    )


# X finds links with or without a scheme; Mastodon only with one.
URL_PATTERN = _url_pattern(scheme_required=False)
URL_WITH_SCHEME_PATTERN = _url_pattern(scheme_required=True)

# Mastodon's Account::MENTION_RE; a mention counts as "@" plus the username (group 1).
_WORD = r"\p{L}\p{M}\p{N}\p{Pc}"
MENTION_PATTERN = (
    rf"(?<![=/{_WORD}])@([a-z0-9_]+(?:[.\-]+[a-z0-9_]+)*)(?:@[{_WORD}]+(?:[.\-]+[{_WORD}]+)*)?"
)

# A grapheme cluster that is one emoji: an emoji shown as emoji by default (this covers flags
# and skin-toned, ZWJ and tag sequences that start with one), a symbol made emoji by U+FE0F or
# a keycap U+20E3, a modifier base with a skin tone, or a ZWJ sequence of pictographs.
EMOJI_CLUSTER_PATTERN = (
    r"^(?:\p{Emoji_Presentation}"
    r"|\p{Emoji}[\s\S]*[\ufe0f\u20e3]"
    r"|\p{Emoji_Modifier_Base}\p{Emoji_Modifier}"
    r"|\p{Extended_Pictographic}[\s\S]*\u200d)"
)

# The patterns by name, as the counter's JSON carries them (once each, however many rules use
# them). URL and mention patterns are case-insensitive ("giu" in JavaScript), the emoji one
# is not ("u").
PATTERNS = {
    "url": URL_PATTERN,
    "url_with_scheme": URL_WITH_SCHEME_PATTERN,
    "mention": MENTION_PATTERN,
    "emoji": EMOJI_CLUSTER_PATTERN,
}
_COMPILED = {
    name: regex.compile(source, regex.V0 if name == "emoji" else regex.IGNORECASE | regex.V0)
    for name, source in PATTERNS.items()
}
_URL_RE = _COMPILED["url"]
_MENTION_RE = _COMPILED["mention"]
_EMOJI_CLUSTER_RE = _COMPILED["emoji"]
_GRAPHEME_RE = regex.compile(r"\X", regex.V0)


@dataclass(frozen=True)
class _Plan:
    """What a rule does, beyond its method: shared with the browser through the JSON."""

    normalize: str | None  # "NFC" or None
    url_pattern: str | None  # a name in PATTERNS
    mention_pattern: str | None  # a name in PATTERNS


def _plan(rules: TextRules) -> _Plan:
    if rules.method == "x-weighted":
        return _Plan("NFC", "url", None)
    if rules.network == "mastodon":
        return _Plan(None, "url_with_scheme" if rules.url_length else None, "mention")
    return _Plan(None, "url_with_scheme" if rules.url_length else None, None)


# --- Rules for a channel ----------------------------------------------------------------------


def _positive_int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def rules_for(channel: Channel) -> TextRules:
    """The counting rules for one channel: the network's defaults, or a Mastodon server's own
    limits as read from its instance info into ``channel.config``."""
    try:
        rules = DEFAULT_RULES[channel.network]
    except KeyError:
        raise LookupError(f"No text rules for the network {channel.network!r}.") from None
    if channel.network == "mastodon":
        config = channel.config or {}
        limit = _positive_int(config.get("max_characters")) or rules.limit
        url_length = _positive_int(config.get("characters_reserved_per_url")) or rules.url_length
        max_images = _positive_int(config.get("max_media_attachments")) or rules.max_images
        rules = TextRules(
            network=rules.network,
            limit=limit,
            method=rules.method,
            byte_limit=rules.byte_limit,
            url_length=url_length,
            max_images=max_images,
        )
    return rules


# --- Counting ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    network: str
    count: int
    limit: int
    over_by: int  # characters over the limit; 0 when within it
    ok: bool  # within the character limit and, where there is one, the byte limit
    bytes: int  # UTF-8 bytes of the text as sent
    byte_limit: int | None = None

    @property
    def bytes_over_by(self) -> int:
        if self.byte_limit is None:
            return 0
        return max(0, self.bytes - self.byte_limit)


def normalise_newlines(text: str) -> str:
    """Browsers submit a textarea's line breaks as CRLF but show and count them as LF."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _point_weight(point: int) -> int:
    in_range = any(start <= point <= end for start, end in X_WEIGHT_RANGES)
    return X_RANGE_WEIGHT if in_range else X_DEFAULT_WEIGHT


# A single code point below U+231A (the first emoji shown as emoji by default) is never an
# emoji on its own, so most text skips the emoji pattern.
_FIRST_EMOJI_PRESENTATION = 0x231A


@functools.lru_cache(maxsize=4096)  # text repeats its characters: weigh each one once
def _x_weight(cluster: str) -> int:
    if len(cluster) == 1 and ord(cluster) < _FIRST_EMOJI_PRESENTATION:
        return _point_weight(ord(cluster))
    if _EMOJI_CLUSTER_RE.match(cluster):
        return X_EMOJI_WEIGHT
    return sum(_point_weight(ord(char)) for char in cluster)


def _x_weighted(text: str, url_length: int) -> int:
    total = 0
    position = 0
    for match in _URL_RE.finditer(text):
        total += sum(_x_weight(c) for c in _GRAPHEME_RE.findall(text[position : match.start()]))
        total += url_length
        position = match.end()
    total += sum(_x_weight(c) for c in _GRAPHEME_RE.findall(text[position:]))
    return total


def _countable(text: str, plan: _Plan, url_length: int | None) -> str:
    """Mastodon's way: links become ``url_length`` placeholder characters, remote mentions
    their local part; the result is then counted."""
    if plan.url_pattern and url_length:
        url_re = _COMPILED[plan.url_pattern]
        placeholder = "x" * url_length
        pieces = []
        position = 0
        for match in url_re.finditer(text):
            pieces.append(_shorten_mentions(text[position : match.start()], plan))
            pieces.append(placeholder)
            position = match.end()
        pieces.append(_shorten_mentions(text[position:], plan))
        return "".join(pieces)
    return _shorten_mentions(text, plan)


def _shorten_mentions(text: str, plan: _Plan) -> str:
    if not plan.mention_pattern:
        return text
    return _MENTION_RE.sub(lambda m: "@" + m.group(1), text)


def utf8_length(text: str) -> int:
    return len(text.encode("utf-8", errors="surrogatepass"))


def measure(text: str, rules: TextRules) -> Measure:
    """Count ``text`` (already signed) the way ``rules.network`` counts it."""
    if rules.method not in METHODS:
        raise ValueError(f"Unknown counting method {rules.method!r}.")
    text = normalise_newlines(text)
    plan = _plan(rules)
    if plan.normalize:
        text = unicodedata.normalize(plan.normalize, text)
    if rules.method == "x-weighted":
        count = _x_weighted(text, rules.url_length or URL_LENGTH)
    else:
        countable = _countable(text, plan, rules.url_length)
        if rules.method == "graphemes":
            count = len(_GRAPHEME_RE.findall(countable))
        else:
            count = len(countable)
    size = utf8_length(text)
    over_by = max(0, count - rules.limit)
    ok = over_by == 0 and (rules.byte_limit is None or size <= rules.byte_limit)
    return Measure(
        network=rules.network,
        count=count,
        limit=rules.limit,
        over_by=over_by,
        ok=ok,
        bytes=size,
        byte_limit=rules.byte_limit,
    )


# --- Messages and the counter's configuration ------------------------------------------------


def _plural(number: int, word: str) -> str:
    return f"{number:,} {word}" if number == 1 else f"{number:,} {word}s"


def _label(network: str) -> str:
    return NETWORK_LABELS.get(network, network)


def too_long_message(result: Measure) -> str | None:
    """One sentence saying by how much the (signed) text is too long, or None if it fits."""
    if result.ok:
        return None
    label = _label(result.network)
    parts = []
    if result.over_by:
        parts.append(
            f"by {_plural(result.over_by, 'character')} "
            f"({result.count:,} of {result.limit:,}, signature included)"
        )
    if result.bytes_over_by:
        parts.append(
            f"by {_plural(result.bytes_over_by, 'byte')} "
            f"({result.bytes:,} of {result.byte_limit:,} bytes, signature included)"
        )
    return f"Too long for {label} {' and '.join(parts)}."


def _unique_rules(channels: Iterable[Channel]) -> list[TextRules]:
    seen: dict[TextRules, None] = {}
    for channel in channels:
        seen.setdefault(rules_for(channel), None)
    return list(seen)


def check_text(text: str, channels: Iterable[Channel]) -> list[str]:
    """One message per network the text is too long for; empty when it fits everywhere.

    ``text`` must already include the signature (``people.signatures.sign``)."""
    messages = []
    for rules in _unique_rules(channels):
        message = too_long_message(measure(text, rules))
        if message:
            messages.append(message)
    return messages


def rule_config(rules: TextRules) -> dict[str, Any]:
    """A rule as the browser's counter reads it; patterns are named, from ``PATTERNS``."""
    plan = _plan(rules)
    config: dict[str, Any] = {
        "network": rules.network,
        "label": NETWORK_NAMES.get(rules.network, rules.network),
        "limit": rules.limit,
        "method": rules.method,
        "byte_limit": rules.byte_limit,
        "url_length": rules.url_length,
        "normalize": plan.normalize,
        "url_pattern": plan.url_pattern if rules.url_length else None,
        "mention_pattern": plan.mention_pattern,
    }
    if rules.method == "x-weighted":
        config["weights"] = {
            "ranges": [list(r) for r in X_WEIGHT_RANGES],
            "in_range": X_RANGE_WEIGHT,
            "default": X_DEFAULT_WEIGHT,
            "emoji": X_EMOJI_WEIGHT,
        }
        config["emoji_pattern"] = "emoji"
    return config


def counter_config(channels: Iterable[Channel], signature: str) -> str:
    """JSON for a composer textarea's ``data-counter``: the rules of each network the post
    goes to, the patterns they name, and the signature the server will append (on its own
    line, as ``people.signatures.sign`` does)."""
    rules = [rule_config(r) for r in _unique_rules(channels)]
    used = sorted(
        {r.get(key) for r in rules for key in ("url_pattern", "mention_pattern", "emoji_pattern")}
        - {None}
    )
    return json.dumps(
        {
            "signature": signature,
            "patterns": {name: PATTERNS[name] for name in used},
            "rules": rules,
        },
        ensure_ascii=True,
        separators=(",", ":"),
    )
