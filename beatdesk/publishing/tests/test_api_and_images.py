"""The compose endpoint (session and CSRF), and images with their alt text."""

from __future__ import annotations

import base64
import io
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from beatdesk.core.testing import login
from beatdesk.networks.simulated.models import SimulatedPost
from beatdesk.publishing.models import Post, PostImage


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (54.0, 0.0, 0.0)}  # GPS block: where the photo was taken
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def api_client(officer) -> Client:
    client = Client(enforce_csrf_checks=True)
    login(client, officer)
    client.get(reverse("publishing:posts"))  # sets the csrftoken cookie
    return client


def post_json(client, body):
    return client.post(
        "/api/v1/posts/",
        data=json.dumps(body),
        content_type="application/json",
        headers={"X-CSRFToken": client.cookies["csrftoken"].value},
    )


def test_api_posts_a_thread_with_an_image_once(officer_york, drain, clock):
    client = api_client(officer_york)
    body = {
        "account": "york",
        "parts": [
            {
                "text": "Stolen bike recovered",
                "images": [
                    {"data": base64.b64encode(jpeg_with_gps()).decode(), "alt_text": "A red bike"}
                ],
            },
            {"text": "Is it yours? Call 101."},
        ],
        "tags": ["bike theft"],
        "districts": ["york"],
        "client_token": "api-1",
    }
    first = post_json(client, body)
    assert first.status_code == 201, first.content
    again = post_json(client, body)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert Post.objects.count() == 1
    data = first.json()
    assert data["parts"] == ["Stolen bike recovered", "Is it yours? Call 101."]
    assert {d["network"] for d in data["deliveries"]} == {"hub", "simulated"}
    image = PostImage.objects.get()
    assert image.alt_text == "A red bike" and image.mime_type == "image/jpeg"
    stored = Image.open(image.file.path)
    assert not stored.getexif().get_ifd(0x8825)  # no GPS left
    drain()
    status = client.get(f"/api/v1/posts/{data['id']}/").json()
    assert {d["state"] for d in status["deliveries"]} == {"sent"}
    assert SimulatedPost.objects.get().image_count == 1


def test_api_refuses_without_csrf_without_login_and_on_another_district(
    officer_york, officer_scarborough
):
    anonymous = Client(enforce_csrf_checks=True)
    anonymous.get("/desk/login/")
    response = anonymous.post("/api/v1/posts/", data="{}", content_type="application/json")
    assert response.status_code == 401  # no session and no token
    client = api_client(officer_scarborough)
    no_token = client.post("/api/v1/posts/", data="{}", content_type="application/json")
    assert no_token.status_code == 403
    refused = post_json(client, {"account": "york", "parts": [{"text": "Hi"}], "client_token": "x"})
    assert refused.status_code == 403
    assert not Post.objects.exists()


def test_api_explains_errors(officer_york):
    client = api_client(officer_york)
    response = post_json(
        client,
        {
            "account": "york",
            "parts": [{"text": "a" * 300, "images": [{"data": "", "alt_text": ""}]}],
            "client_token": "y",
        },
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert any("Too long for the simulated network" in e for e in errors)
    assert any("alt text" in e for e in errors)


def test_the_form_takes_images_and_requires_alt_text(client, officer_york):
    login(client, officer_york)
    url = reverse("publishing:compose", args=["york"])
    form = {"client_token": "f1", "part_count": "1", "part-0-text": "Found this", "when": "now"}
    upload = SimpleUploadedFile("photo.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = client.post(url, {**form, "part-0-image-0": upload})
    assert response.status_code == 400
    assert "Describe image 1" in response.content.decode()
    upload = SimpleUploadedFile("photo.jpg", jpeg_with_gps(), content_type="image/jpeg")
    response = client.post(url, {**form, "part-0-image-0": upload, "part-0-alt-0": "A wallet"})
    assert response.status_code == 302
    assert PostImage.objects.get().alt_text == "A wallet"


def test_a_file_that_is_not_an_image_is_refused_by_content(client, officer_york):
    login(client, officer_york)
    url = reverse("publishing:compose", args=["york"])
    fake = SimpleUploadedFile("photo.jpg", b"<html>not a photo</html>", content_type="image/jpeg")
    response = client.post(
        url,
        {
            "client_token": "f2",
            "part_count": "1",
            "part-0-text": "x",
            "when": "now",
            "part-0-image-0": fake,
            "part-0-alt-0": "Alt",
        },
    )
    assert response.status_code == 400
    assert "Image 1" in response.content.decode()
    assert not Post.objects.exists()
