"""The desk pages as an officer uses them, without JavaScript."""

from __future__ import annotations

from django.urls import reverse

from beatdesk.core.testing import login
from beatdesk.networks.simulated.models import SimulatedMode
from beatdesk.publishing.models import Delivery, Post


def compose_form(text="Lost cat on Haxby Road", token="tok-1", **extra):
    return {"client_token": token, "part_count": "1", "part-0-text": text, "when": "now", **extra}


def test_an_officer_with_one_account_goes_straight_to_it_and_sees_its_name(client, officer_york):
    login(client, officer_york)
    response = client.get(reverse("publishing:choose"))
    assert response.status_code == 302
    assert response["Location"] == reverse("publishing:compose", args=["york"])
    page = client.get(response["Location"]).content.decode()
    assert "Post on York Police" in page
    assert "^JH" in page  # the signature that will be added
    assert 'data-counter="' in page


def test_comms_chooses_between_accounts(client, comms):
    login(client, comms)
    page = client.get(reverse("publishing:choose")).content.decode()
    for name in ("North Yorkshire Police", "York Police", "Scarborough Police"):
        assert name in page


def test_posting_from_the_form_twice_makes_one_post_and_shows_its_status(client, officer_york):
    login(client, officer_york)
    url = reverse("publishing:compose", args=["york"])
    first = client.post(url, compose_form())
    second = client.post(url, compose_form())
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Post.objects.count() == 1
    page = client.get(first["Location"]).content.decode()
    assert "Lost cat on Haxby Road" in page and "Where it has gone" in page
    assert 'data-network="simulated"' in page


def test_a_thread_part_is_added_without_losing_text(client, officer_york):
    login(client, officer_york)
    url = reverse("publishing:compose", args=["york"])
    page = client.post(url, compose_form(action="add_part")).content.decode()
    assert "Part 2 of 2" in page and "Lost cat on Haxby Road" in page
    assert not Post.objects.exists()


def test_officer_scarborough_cannot_open_the_york_composer(client, officer_scarborough):
    login(client, officer_scarborough)
    response = client.get(reverse("publishing:compose", args=["york"]))
    assert response.status_code == 403
    response = client.post(reverse("publishing:compose", args=["york"]), compose_form())
    assert response.status_code == 403
    assert not Post.objects.exists()


def test_errors_are_listed_and_nothing_is_saved(client, officer_york):
    login(client, officer_york)
    url = reverse("publishing:compose", args=["york"])
    response = client.post(url, compose_form(text="", **{"part-0-alt-0": "A photo"}))
    assert response.status_code == 400
    page = response.content.decode()
    assert "nothing was saved" in page
    assert "chose no image" in page
    assert not Post.objects.exists()


def test_lead_takes_down_and_the_author_sees_why(client, officer_york, lead_york, account, compose):
    post = compose(officer_york, account("york"), "Should not be public")
    login(client, lead_york)
    url = reverse("publishing:take-down", args=[post.pk])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Identifies a witness"}).status_code == 302
    client.logout()
    login(client, officer_york)
    page = client.get(reverse("publishing:posts")).content.decode()
    assert "Taken down: Identifies a witness" in page
    assert "took down your post" in page


def test_comms_pauses_and_resumes_from_the_desk(client, comms, officer_york, account, compose):
    login(client, comms)
    response = client.post(reverse("publishing:pauses"), {"account": "", "reason": "Incident"})
    assert response.status_code == 302
    post = compose(officer_york, account("york"), "During the incident")
    assert set(post.deliveries.values_list("state", flat=True)) == {Delivery.State.PAUSED}
    page = client.get(reverse("publishing:pauses")).content.decode()
    assert "The whole force: Incident" in page
    from beatdesk.publishing.models import PublishingPause

    pause = PublishingPause.objects.get()
    client.post(reverse("publishing:resume", args=[pause.pk]))
    assert set(post.deliveries.values_list("state", flat=True)) == {Delivery.State.QUEUED}


def test_officers_cannot_pause_or_touch_the_simulated_network(client, officer_york):
    login(client, officer_york)
    assert client.get(reverse("publishing:pauses")).status_code == 403
    assert client.post(reverse("publishing:simulated"), {"mode": "error"}).status_code == 403


def test_comms_switches_the_simulated_network_to_fail(client, comms, force):
    login(client, comms)
    client.post(
        reverse("publishing:simulated"), {"mode": "rate_limited", "retry_after_seconds": "45"}
    )
    page = client.get(reverse("publishing:simulated")).content.decode()
    assert "Rate limited (HTTP 429 with Retry-After)" in page
    mode = SimulatedMode.objects.get(force=force)
    assert mode.mode == "rate_limited" and mode.retry_after_seconds == 45


def test_posts_page_query_count_does_not_grow_with_posts(
    client, officer_york, account, compose, django_assert_max_num_queries
):
    for n in range(8):
        compose(officer_york, account("york"), f"Post {n}")
    login(client, officer_york)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("publishing:posts"))
    assert response.content.decode().count('class="post"') == 8
