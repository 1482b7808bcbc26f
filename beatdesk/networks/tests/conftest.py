# The outbox's test clock, composer and drain, shared with the publishing tests.
from beatdesk.publishing.tests.conftest import clock, compose, drain, media_in_tmp  # noqa: F401
