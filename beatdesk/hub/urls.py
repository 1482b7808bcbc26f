from django.urls import include, path

from beatdesk.hub import feeds, views

app_name = "hub"
urlpatterns = [
    path("", views.root, name="root"),
    path("<slug:force_slug>/", views.force_home, name="force-home"),
    path("<slug:force_slug>/feed/", feeds.force_feed, name="force-feed"),
    path("<slug:force_slug>/area/", views.area, name="area"),
    path("<slug:force_slug>/search/", views.search, name="search"),
    path("<slug:force_slug>/accessibility/", views.accessibility, name="accessibility"),
    path("", include("beatdesk.inbox.public_urls")),
    path("<slug:force_slug>/districts/<slug:district_slug>/", views.district, name="district"),
    path(
        "<slug:force_slug>/districts/<slug:district_slug>/feed/",
        feeds.district_feed,
        name="district-feed",
    ),
    path("<slug:force_slug>/officers/<slug:officer_slug>/", views.officer, name="officer"),
    path(
        "<slug:force_slug>/officers/<slug:officer_slug>/feed/",
        feeds.officer_feed,
        name="officer-feed",
    ),
    path("<slug:force_slug>/topics/<slug:tag_slug>/", views.topic, name="topic"),
    path("<slug:force_slug>/topics/<slug:tag_slug>/feed/", feeds.topic_feed, name="topic-feed"),
    path("<slug:force_slug>/posts/<int:post_id>/", views.post, name="post"),
    path("<slug:force_slug>/qa/", include("beatdesk.qa.public_urls")),
]
