"""A logging filter that takes secrets out of log lines before any handler writes them."""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"

# Each pattern keeps its first group (the name) and replaces the value.
_PATTERNS = [
    # HTTP authorisation headers, whatever the scheme.
    re.compile(r"((?:proxy-)?authorization['\"]?\s*[:=]\s*['\"]?)[^'\"\n,}]+", re.IGNORECASE),
    re.compile(r"(\bbearer\s+)[A-Za-z0-9\-._~+/]+=*", re.IGNORECASE),
    # key=value and "key": "value" for secret-looking names.
    re.compile(
        r"((?:access_token|refresh_token|id_token|token|secret|client_secret|password|passwd|"
        r"api_key|apikey|app_password|session|sessionid|csrfmiddlewaretoken|cookie)"
        r"['\"]?\s*[:=]\s*['\"]?)[^'\"\s&,}]+",
        re.IGNORECASE,
    ),
]


def redact(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: m.group(1) + REDACTED, text)
    return text


class RedactSecretsFilter(logging.Filter):
    """Rewrites the record's message with secrets replaced and line breaks escaped; never
    drops a record. Tracebacks keep their lines but lose their secrets too."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must not lose the log line
            message = str(record.msg)
        # One record, one line: text from the public cannot forge extra log lines.
        cleaned = redact(message).replace("\x00", "").replace("\r", "\\r").replace("\n", "\\n")
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        record.msg, record.args = cleaned, None
        return True
