from django.urls import include, path

from beatdesk.api import forces, officers, openapi, posts

app_name = "api"
urlpatterns = [
    # The public read API (documented by openapi.json).
    path("openapi.json", openapi.document, name="openapi"),
    path("forces/<slug:force_slug>/", forces.force_detail, name="force"),
    path("forces/<slug:force_slug>/districts/", forces.district_list, name="districts"),
    path(
        "forces/<slug:force_slug>/districts/<slug:district_slug>/",
        forces.district_detail,
        name="district",
    ),
    path("forces/<slug:force_slug>/officers/", officers.officer_list, name="officers"),
    path(
        "forces/<slug:force_slug>/officers/<slug:officer_slug>/",
        officers.officer_detail,
        name="officer",
    ),
    path("forces/<slug:force_slug>/posts/", posts.post_list, name="posts"),
    path("forces/<slug:force_slug>/posts/<int:post_id>/", posts.post_detail, name="post"),
    # The desk's compose API (signed-in officers; publishing app).
    path("posts/", include("beatdesk.publishing.api")),
    path("", include("beatdesk.inbox.api")),
]
