from beatdesk.hub.tests.conftest import hub_page_cache, make_post, minutes_ago  # noqa: F401
