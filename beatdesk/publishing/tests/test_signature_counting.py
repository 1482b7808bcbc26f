"""The signature is part of every post and counts, per network, on tricky text; over the limit
nothing is saved and the message says by how much and where."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from beatdesk.forces.models import Channel
from beatdesk.publishing.models import Post, PostPart
from beatdesk.publishing.signing import signed_parts

SIGNATURE = "^JH"  # officer_york's, from the test force's "^{initials}"


@pytest.fixture
def york(account, force):
    """The York account on X, Bluesky and Mastodon besides the hub and the simulated network."""
    acc = account("york")
    for network in ("x", "bluesky", "mastodon"):
        Channel.objects.create(force=force, account=acc, network=network, handle="yorkpolice")
    return acc


def refused(compose, officer, account, *texts) -> list[str]:
    before = (Post.objects.count(), PostPart.objects.count())
    with pytest.raises(ValidationError) as caught:
        compose(officer, account, *texts)
    assert (Post.objects.count(), PostPart.objects.count()) == before  # nothing saved
    return caught.value.messages


def test_every_part_of_a_thread_is_signed_on_its_own_line():
    assert signed_parts(["First  ", "Second"], SIGNATURE) == ["First\n^JH", "Second\n^JH"]


def test_the_signature_counts_towards_x(officer_york, york, compose):
    # 276 + newline + "^JH" = 280: exactly X's limit.
    compose(officer_york, york, "a" * 276)
    assert set(refused(compose, officer_york, york, "a" * 277)) == {
        "Too long for X by 1 character (281 of 280, signature included).",
        "Too long for the simulated network by 1 character (281 of 280, signature included).",
    }


def test_a_long_url_counts_23_where_the_network_shortens_links(officer_york, account, compose):
    url = "https://www.northyorkshire.police.uk/news/" + "x" * 58  # 100 characters
    # 200 + 1 + 23 + 4 = 228 weighted, although the text is 305 characters long.
    post = compose(officer_york, account("york"), "a" * 200 + " " + url)
    assert post.pk
    messages = refused(compose, officer_york, account("york"), "a" * 253 + " " + url)
    assert messages == [
        "Too long for the simulated network by 1 character (281 of 280, signature included)."
    ]


def test_emoji_sequences_count_two_on_x_and_one_grapheme_on_bluesky(officer_york, york, compose):
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one grapheme, many code points
    messages = refused(compose, officer_york, york, family * 139)
    # X: 139 * 2 + 1 + 3 = 282. Bluesky: 139 + 4 = 143 graphemes, fine.
    assert "Too long for X by 2 characters (282 of 280, signature included)." in messages
    assert not any("Bluesky" in m for m in messages)


def test_cjk_counts_double_on_x_only(officer_york, york, compose):
    messages = refused(compose, officer_york, york, "警" * 139)
    assert "Too long for X by 2 characters (282 of 280, signature included)." in messages
    assert not any("Mastodon" in m or "Bluesky" in m for m in messages)


def test_combining_marks_are_one_character(officer_york, york, compose):
    # "e" + combining acute is one grapheme: 290 + 4 = 294 on Bluesky, over on X.
    messages = refused(compose, officer_york, york, "e\u0301" * 290)
    assert any(m.startswith("Too long for X by 14 characters") for m in messages)
    assert not any("Bluesky" in m for m in messages)


def test_right_to_left_text_is_signed_and_counted(officer_york, york, compose):
    arabic = "مرحبا بكم في شرطة يورك "  # 23 characters
    post = compose(officer_york, york, (arabic * 12)[:276])
    assert post.parts.get().text == (arabic * 12)[:276].strip()
    messages = refused(compose, officer_york, york, arabic * 13)
    assert any(m.startswith("Too long for X") for m in messages)


def test_bluesky_bytes_are_counted_too(officer_york, account, force, compose):
    acc = account("york")
    Channel.objects.filter(account=acc, network="simulated").delete()
    Channel.objects.create(force=force, account=acc, network="bluesky", handle="yorkpolice")
    # 290 graphemes of 4 emoji each... 290 * 11 bytes > 3,000.
    flag = "\U0001f3f4\u200d\u2620\ufe0f"  # pirate flag: 1 grapheme, 13 bytes
    messages = refused(compose, officer_york, acc, flag * 240)
    assert any(m.startswith("Too long for Bluesky by") and "bytes" in m for m in messages)


def test_each_part_of_a_thread_is_checked_and_named(officer_york, york, compose):
    messages = refused(compose, officer_york, york, "Fine first part", "b" * 300)
    assert any(m.startswith("Part 2: Too long for X by 24 characters") for m in messages)
    assert not any(m.startswith("Part 1") for m in messages)
