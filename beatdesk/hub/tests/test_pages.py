import re

import pytest

from beatdesk.forces.models import Channel
from beatdesk.hub.tests.conftest import create_post, set_state
from beatdesk.publishing.models import Post

pytestmark = pytest.mark.django_db


def body(response):
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_force_home_shows_latest_posts_urgent_notices_districts_and_area_box(
    client, force, other_force, account, officer_york, officer_other_force
):
    create_post(account=account("york"), author=officer_york, texts=["Bike marking at the library"])
    create_post(
        account=account("nyp"), author=officer_york, texts=["Flooding: A64 closed"], is_urgent=True
    )
    create_post(
        account=account("riverford-town", other_force),
        author=officer_other_force,
        texts=["Riverford news"],
    )
    html = body(client.get("/north-yorkshire/"))
    assert "Bike marking at the library" in html
    urgent = html.split('id="urgent-heading"')[1].split("</section>")[0]
    assert "Flooding: A64 closed" in urgent
    assert "York" in html and "Scarborough" in html
    assert 'action="/north-yorkshire/area/"' in html
    assert "Riverford" not in html


def test_unknown_force_is_404(client, force):
    assert client.get("/nowhere/").status_code == 404


def test_root_lists_forces_when_several(client, force, other_force):
    html = client.get("/").content.decode()
    assert "North Yorkshire Police" in html and "Riverford Constabulary" in html


@pytest.mark.parametrize("query", ["yo11 2ab", "YO112AB", " YO11 ", "yo11", "Whitby", "whitby"])
def test_area_lookup_finds_the_district(client, force, query):
    response = client.get("/north-yorkshire/area/", {"q": query})
    assert response.status_code == 302
    assert response["Location"] == "/north-yorkshire/districts/scarborough/"


def test_area_lookup_unknown_postcode_explains_and_suggests(client, force):
    html = body(client.get("/north-yorkshire/area/", {"q": "YO99 1AA"}))
    assert "We could not find the postcode YO99" in html
    assert "/north-yorkshire/districts/scarborough/" in html
    assert "/north-yorkshire/districts/york/" in html


def test_area_lookup_malformed_and_unknown_place_are_explained(client, force):
    html = body(client.get("/north-yorkshire/area/", {"q": "<script>alert(1)</script>"}))
    assert "does not look like a postcode" in html
    assert "<script>alert(1)</script>" not in html
    html = body(client.get("/north-yorkshire/area/", {"q": "Atlantis"}))
    assert "could not find a town or village called" in html
    html = body(client.get("/north-yorkshire/area/", {"q": "hit"}))
    assert "Whitby" in html  # partial match suggests the place
    html = body(client.get("/north-yorkshire/area/", {"q": "ZZ1"}))  # another force's postcode
    assert "We could not find the postcode ZZ1" in html


def test_district_page_posts_places_team_and_follow_links(
    client, force, account, officer_york, officer_scarborough
):
    york = account("york")
    Channel.objects.filter(account=york, network="simulated").update(
        profile_url="https://social.example/@yorkpolice"
    )
    create_post(account=york, author=officer_york, texts=["Older York post"])
    create_post(account=york, author=officer_york, texts=["Newer York post"])
    create_post(account=account("scarborough"), author=officer_scarborough, texts=["Scarb post"])
    html = body(client.get("/north-yorkshire/districts/york/"))
    assert html.index("Newer York post") < html.index("Older York post")
    assert "Scarb post" not in html
    assert "Haxby" in html and "YO31" in html
    assert "PC Jess Holmes" in html and "Sgt Sam Carter" in html
    assert "/north-yorkshire/districts/york/feed/" in html
    assert 'href="https://social.example/@yorkpolice"' in html


def test_every_hub_page_leads_to_the_contact_form_and_a_district_page_to_its_own_team(
    client, force, account
):
    contact = "/north-yorkshire/contact/"
    home = body(client.get("/north-yorkshire/"))
    assert f'<a href="{contact}">Contact us</a>' in home
    york = account("york")
    html = body(client.get("/north-yorkshire/districts/york/"))
    link = re.search(r'<a href="([^"]+)">Send the York team a message</a>', html)
    assert link and link.group(1) == f"{contact}?account={york.slug}"
    assert "if someone is in danger, call 999" in html
    form = body(client.get(link.group(1)))
    assert re.search(rf'<option value="{york.slug}" selected>York</option>', form)
    # A district whose account is retired has no team to write to.
    york.is_active = False
    york.save(update_fields=["is_active"])
    assert "Send the York team a message" not in body(
        client.get("/north-yorkshire/districts/york/")
    )


def test_district_page_is_keyset_paged(client, force, account, officer_york, minutes_ago):
    york = account("york")
    for n in range(25):
        create_post(
            account=york,
            author=officer_york,
            texts=[f"Post number {n:02d}"],
            published_at=minutes_ago(100 - n),
        )
    first = body(client.get("/north-yorkshire/districts/york/"))
    assert "Post number 24" in first and "Post number 05" in first
    assert "Post number 04" not in first
    next_url = re.search(r'href="(\?after=[^"]+)" rel="next"', first).group(1)
    second = body(client.get("/north-yorkshire/districts/york/" + next_url.replace("&amp;", "&")))
    assert "Post number 04" in second and "Post number 00" in second
    assert "Post number 05" not in second
    assert 'rel="next"' not in second


def test_officer_page_shows_every_signed_post_on_any_account(client, force, account, officer_york):
    create_post(account=account("york"), author=officer_york, texts=["On the York account"])
    create_post(account=account("nyp"), author=officer_york, texts=["On the force account"])
    html = body(client.get(f"/north-yorkshire/officers/{officer_york.slug}/"))
    assert "On the York account" in html and "On the force account" in html
    assert "Police Constable" in html and "2291" in html
    assert "/north-yorkshire/districts/york/" in html


def test_topic_page_lists_tagged_posts(client, force, account, officer_york):
    create_post(
        account=account("york"), author=officer_york, texts=["Lock sheds"], tags=["Burglary"]
    )
    create_post(account=account("york"), author=officer_york, texts=["Slow down"], tags=["Roads"])
    html = body(client.get("/north-yorkshire/topics/burglary/"))
    assert "Lock sheds" in html and "Slow down" not in html


def test_post_page_shows_thread_and_share_previews(client, force, account, officer_york):
    post = create_post(
        account=account("york"),
        author=officer_york,
        texts=["First part of the appeal", "Second part with details"],
    )
    html = body(client.get(f"/north-yorkshire/posts/{post.pk}/"))
    assert "First part of the appeal" in html and "Second part with details" in html
    assert '<meta property="og:title" content="PC Jess Holmes on York Police">' in html
    assert '<meta property="og:description" content="First part of the appeal">' in html
    assert (
        f'<meta property="og:url" content="http://testserver/north-yorkshire/posts/{post.pk}/">'
        in html
    )
    assert '<meta name="twitter:card" content="summary">' in html


def test_post_of_another_force_is_not_found_here(
    client, force, other_force, account, officer_other_force
):
    post = create_post(account=account("riverford-town", other_force), author=officer_other_force)
    assert client.get(f"/north-yorkshire/posts/{post.pk}/").status_code == 404
    assert client.get(f"/riverford/posts/{post.pk}/").status_code == 200


@pytest.mark.parametrize("state", [Post.State.TAKEN_DOWN, Post.State.DELETED])
def test_removed_posts_disappear_everywhere(client, force, account, officer_york, state):
    post = create_post(
        account=account("york"),
        author=officer_york,
        texts=["Appeal about a missing bike"],
        tags=["Bikes"],
    )
    pages = [
        "/north-yorkshire/",
        "/north-yorkshire/districts/york/",
        f"/north-yorkshire/officers/{officer_york.slug}/",
        "/north-yorkshire/topics/bikes/",
        "/north-yorkshire/search/?q=bike",
        "/north-yorkshire/feed/",
        "/north-yorkshire/districts/york/feed/",
        f"/north-yorkshire/officers/{officer_york.slug}/feed/",
        "/north-yorkshire/topics/bikes/feed/",
        f"/api/v1/forces/north-yorkshire/posts/{post.pk}/",
        "/api/v1/forces/north-yorkshire/posts/",
    ]
    for url in pages:
        assert "missing bike" in client.get(url).content.decode(), url
    set_state(post, state)  # not re-indexed: the hub must notice by itself
    assert client.get(f"/north-yorkshire/posts/{post.pk}/").status_code == 404
    for url in pages[:-2]:
        assert "missing bike" not in client.get(url).content.decode(), url
    assert client.get(pages[-2]).status_code == 404
    assert "missing bike" not in client.get(pages[-1]).content.decode()


def test_post_text_is_escaped_everywhere(client, force, account, officer_york):
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)> "quoted"'
    post = create_post(
        account=account("york"), author=officer_york, texts=[evil], tags=["<b>tag</b>"]
    )
    for url in [
        "/north-yorkshire/",
        "/north-yorkshire/districts/york/",
        f"/north-yorkshire/posts/{post.pk}/",
        f"/north-yorkshire/officers/{officer_york.slug}/",
        "/north-yorkshire/search/?q=alert",
    ]:
        html = body(client.get(url))
        assert "<script>alert" not in html, url
        assert "<img src=x" not in html, url
        assert "&lt;script&gt;alert" in html, url
    feed = client.get("/north-yorkshire/feed/").content.decode()
    assert "<script>" not in feed


def test_accessibility_statement(client, force):
    html = body(client.get("/north-yorkshire/accessibility/"))
    assert ("Accessibility statement" in html and "WCAG" not in html) or "2.2" in html
    assert "Equality Advisory and Support Service" in html


def test_an_officer_who_left_keeps_their_page_and_posts(client, force, account, officer_york):
    create_post(account=account("york"), author=officer_york, texts=["Goodbye from Haxby"])
    officer_york.is_active = False
    officer_york.save()
    html = body(client.get(f"/north-yorkshire/officers/{officer_york.slug}/"))
    assert "Goodbye from Haxby" in html
    team = body(client.get("/north-yorkshire/districts/york/")).split('id="team-heading"')[1]
    assert "PC Jess Holmes" not in team.split("</section>")[0]


def test_urgent_notices_are_pinned_for_three_days(
    client, force, account, officer_york, minutes_ago
):
    create_post(
        account=account("nyp"),
        author=officer_york,
        texts=["Old flood warning"],
        is_urgent=True,
        published_at=minutes_ago(4 * 24 * 60),
    )
    html = body(client.get("/north-yorkshire/"))
    assert 'id="urgent-heading"' not in html and "Old flood warning" in html


@pytest.mark.parametrize(
    "path,message",
    [
        ("/north-yorkshire/districts/atlantis/", "There is no district at this address."),
        ("/north-yorkshire/officers/nobody/", "There is no officer at this address."),
        ("/north-yorkshire/topics/unicorns/", "There is no topic at this address."),
        ("/north-yorkshire/posts/999999/", "This post does not exist or has been removed."),
        ("/north-yorkshire/no-such-page/", "There is no page at this address."),
    ],
)
def test_missing_things_under_a_force_get_the_hubs_404_page(client, force, path, message):
    response = client.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert message in html and "<h1>Page not found</h1>" in html
    assert 'href="/north-yorkshire/"' in html
    assert 'action="/north-yorkshire/area/"' in html and 'action="/north-yorkshire/search/"' in html
    assert "North Yorkshire Police" in html  # the force's own header
    assert "X-Hub-Version" not in response  # never kept by the fast path


def test_a_removed_post_is_a_404_in_the_hub_layout(client, force, account, officer_york):
    post = create_post(account=account("york"), author=officer_york)
    set_state(post, Post.State.TAKEN_DOWN)
    response = client.get(f"/north-yorkshire/posts/{post.pk}/")
    assert response.status_code == 404 and "Find your area" in response.content.decode()


def test_outside_any_force_the_404_is_the_sites(client, force):
    response = client.get("/nowhere/at/all/")
    assert response.status_code == 404
    assert "Find your area" not in response.content.decode()
