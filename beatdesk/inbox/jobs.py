"""The inbox's background work. Replies go out through the publishing outbox, whose runner
sends them; importing the payload builder here registers it when the app starts."""

from beatdesk.inbox import outbox  # noqa: F401
