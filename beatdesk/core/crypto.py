"""Encryption of secrets at rest (network tokens, app passwords, sessions).

AES-256-GCM from ``cryptography``. The key is ``BEATDESK_ENCRYPTION_KEY`` (32 bytes, base64), or
the file named by ``BEATDESK_ENCRYPTION_KEY_FILE`` (default ``<data dir>/encryption.key``), which
is created with mode 0600 on first use when neither exists.

A token reads ``v1.<key id>.<base64url(nonce + ciphertext + tag)>``. The key id (the first bytes
of the key's SHA-256) says which key sealed it, so keys can rotate: put the new key in place and
list the old ones in ``BEATDESK_ENCRYPTION_OLD_KEYS`` (comma-separated, base64); tokens sealed
with an old key still open, and ``needs_rotation`` tells which to re-encrypt. The version and key
id are authenticated data, so neither can be swapped without the tag failing.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger("beatdesk.crypto")

VERSION = "v1"
KEY_BYTES = 32
NONCE_BYTES = 12


class DecryptionError(Exception):
    """The token was tampered with, is malformed, or was sealed with a key we do not hold."""


@dataclass(frozen=True)
class Key:
    id: str
    secret: bytes

    @classmethod
    def from_bytes(cls, secret: bytes) -> Key:
        if len(secret) != KEY_BYTES:
            raise ImproperlyConfigured(
                f"An encryption key must be {KEY_BYTES} bytes (base64 of 32 random bytes), "
                f"not {len(secret)}."
            )
        return cls(id=hashlib.sha256(secret).hexdigest()[:8], secret=secret)

    @classmethod
    def from_base64(cls, text: str, *, source: str) -> Key:
        try:
            raw = base64.b64decode(text.strip(), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ImproperlyConfigured(f"{source} is not valid base64.") from exc
        return cls.from_bytes(raw)


def generate_key() -> str:
    """A new key as base64, for BEATDESK_ENCRYPTION_KEY or a key file."""
    return base64.b64encode(secrets.token_bytes(KEY_BYTES)).decode()


def key_file_path() -> Path:
    from django.conf import settings

    configured = os.environ.get("BEATDESK_ENCRYPTION_KEY_FILE")
    return Path(configured) if configured else Path(settings.DATA_DIR) / "encryption.key"


def _read_or_create_key_file(path: Path) -> Key:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two processes starting at once must not write two different keys.
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(generate_key() + "\n")
            logger.warning(
                "Created a new encryption key in %s; back it up with the database, "
                "or the connected networks' tokens cannot be read.",
                path,
            )
    return Key.from_base64(path.read_text(), source=str(path))


@lru_cache(maxsize=1)
def _keys(env_key: str, key_file: str, old_keys: str) -> tuple[Key, dict[str, Key]]:
    if env_key:
        current = Key.from_base64(env_key, source="BEATDESK_ENCRYPTION_KEY")
    else:
        current = _read_or_create_key_file(Path(key_file))
    known = {current.id: current}
    for index, text in enumerate(item for item in old_keys.split(",") if item.strip()):
        old = Key.from_base64(text, source=f"BEATDESK_ENCRYPTION_OLD_KEYS item {index + 1}")
        known.setdefault(old.id, old)
    return current, known


def keys() -> tuple[Key, dict[str, Key]]:
    """The key to seal with and every key we can open with, by id."""
    return _keys(
        os.environ.get("BEATDESK_ENCRYPTION_KEY", ""),
        str(key_file_path()),
        os.environ.get("BEATDESK_ENCRYPTION_OLD_KEYS", ""),
    )


def _header(key_id: str) -> str:
    return f"{VERSION}.{key_id}"


def encrypt_bytes(data: bytes) -> str:
    current, _ = keys()
    nonce = secrets.token_bytes(NONCE_BYTES)
    header = _header(current.id)
    sealed = AESGCM(current.secret).encrypt(nonce, data, header.encode())
    return f"{header}.{base64.urlsafe_b64encode(nonce + sealed).decode().rstrip('=')}"


def decrypt_bytes(token: str) -> bytes:
    try:
        version, key_id, body = token.split(".")
    except ValueError:
        raise DecryptionError("Not an encrypted value (expected three parts).") from None
    if version != VERSION:
        raise DecryptionError(f"Unknown encryption format {version!r}.")
    _, known = keys()
    key = known.get(key_id)
    if key is None:
        raise DecryptionError(
            f"Sealed with key {key_id}, which is neither the current key nor one of "
            "BEATDESK_ENCRYPTION_OLD_KEYS."
        )
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        raise DecryptionError("The encrypted value is not valid base64.") from None
    if len(raw) < NONCE_BYTES + 16:
        raise DecryptionError("The encrypted value is too short.")
    try:
        return AESGCM(key.secret).decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], _header(key_id).encode()
        )
    except InvalidTag:
        raise DecryptionError("The encrypted value was altered or the key is wrong.") from None


def encrypt_json(value: dict) -> str:
    """Seal a JSON-serialisable dict; the result is safe to store in a text column."""
    return encrypt_bytes(json.dumps(value, separators=(",", ":"), sort_keys=True).encode())


def decrypt_json(token: str) -> dict:
    """Open a token made by ``encrypt_json``; DecryptionError if it cannot be trusted."""
    value = json.loads(decrypt_bytes(token))
    if not isinstance(value, dict):
        raise DecryptionError("The encrypted value is not a JSON object.")
    return value


def needs_rotation(token: str) -> bool:
    """True when ``token`` was sealed with an older key and should be re-encrypted."""
    current, _ = keys()
    parts = token.split(".")
    return len(parts) != 3 or parts[1] != current.id


def reset_key_cache() -> None:
    """Forget the loaded keys (tests and key rotation without a restart)."""
    _keys.cache_clear()
