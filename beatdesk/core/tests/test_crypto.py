import base64
import os
import stat

import pytest

from beatdesk.core import crypto


@pytest.fixture
def key_env(monkeypatch, tmp_path):
    """A fresh key in the environment, and no key file or old keys from the machine."""
    monkeypatch.setenv("BEATDESK_ENCRYPTION_KEY", crypto.generate_key())
    monkeypatch.setenv("BEATDESK_ENCRYPTION_KEY_FILE", str(tmp_path / "unused.key"))
    monkeypatch.delenv("BEATDESK_ENCRYPTION_OLD_KEYS", raising=False)
    yield monkeypatch
    crypto.reset_key_cache()


def test_a_secret_round_trips_and_is_not_readable_in_the_stored_text(key_env):
    token = crypto.encrypt_json({"app_password": "abcd-efgh-ijkl-mnop", "handle": "york.test"})
    assert "abcd-efgh" not in token and "york" not in token
    assert token.startswith("v1.")
    assert crypto.decrypt_json(token) == {
        "app_password": "abcd-efgh-ijkl-mnop",
        "handle": "york.test",
    }
    # A fresh nonce every time: the same secret never gives the same text twice.
    assert crypto.encrypt_json({"a": 1}) != crypto.encrypt_json({"a": 1})


def _reencode(token, change):
    version, key_id, body = token.split(".")
    raw = bytearray(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    change(raw)
    return f"{version}.{key_id}.{base64.urlsafe_b64encode(bytes(raw)).decode().rstrip('=')}"


@pytest.mark.parametrize("where", ["nonce", "ciphertext", "tag"])
def test_a_changed_bit_is_detected(key_env, where):
    token = crypto.encrypt_json({"token": "secret"})
    index = {"nonce": 0, "ciphertext": 14, "tag": -1}[where]

    def flip(raw):
        raw[index] ^= 0x01

    with pytest.raises(crypto.DecryptionError, match="altered"):
        crypto.decrypt_json(_reencode(token, flip))


def test_a_truncated_token_is_detected(key_env):
    token = crypto.encrypt_json({"token": "secret"})
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_json(_reencode(token, lambda raw: raw.__delitem__(slice(-4, None))))


def test_the_key_id_cannot_be_swapped_for_another_keys_id(key_env):
    token = crypto.encrypt_json({"token": "secret"})
    old = crypto.keys()[0]
    other = crypto.generate_key()
    key_env.setenv("BEATDESK_ENCRYPTION_KEY", other)
    key_env.setenv("BEATDESK_ENCRYPTION_OLD_KEYS", base64.b64encode(old.secret).decode())
    new_id = crypto.keys()[0].id
    swapped = token.replace(f"v1.{old.id}.", f"v1.{new_id}.")
    with pytest.raises(crypto.DecryptionError, match="altered or the key is wrong"):
        crypto.decrypt_json(swapped)


def test_a_token_from_another_key_is_refused_with_a_reason(key_env):
    token = crypto.encrypt_json({"token": "secret"})
    key_env.setenv("BEATDESK_ENCRYPTION_KEY", crypto.generate_key())
    with pytest.raises(crypto.DecryptionError, match="neither the current key"):
        crypto.decrypt_json(token)


def test_rotation_old_tokens_still_open_and_are_flagged_for_re_encryption(key_env):
    first_key = os.environ["BEATDESK_ENCRYPTION_KEY"]
    old_token = crypto.encrypt_json({"token": "from before"})
    assert not crypto.needs_rotation(old_token)

    key_env.setenv("BEATDESK_ENCRYPTION_KEY", crypto.generate_key())
    key_env.setenv("BEATDESK_ENCRYPTION_OLD_KEYS", first_key)
    assert crypto.decrypt_json(old_token) == {"token": "from before"}
    assert crypto.needs_rotation(old_token)
    new_token = crypto.encrypt_json(crypto.decrypt_json(old_token))
    assert not crypto.needs_rotation(new_token)
    assert new_token.split(".")[1] != old_token.split(".")[1]


@pytest.mark.parametrize("garbage", ["", "plain text", "v2.abcd.AAAA", "v1.x.!!!", "v1.a.b.c"])
def test_malformed_values_are_refused(key_env, garbage):
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_json(garbage)


def test_a_key_of_the_wrong_length_is_a_configuration_error(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("BEATDESK_ENCRYPTION_KEY", base64.b64encode(b"short").decode())
    try:
        with pytest.raises(ImproperlyConfigured, match="32 bytes"):
            crypto.encrypt_json({})
    finally:
        crypto.reset_key_cache()


def test_the_key_file_is_created_private_on_first_use_and_then_reused(monkeypatch, tmp_path):
    path = tmp_path / "data" / "encryption.key"
    monkeypatch.delenv("BEATDESK_ENCRYPTION_KEY", raising=False)
    monkeypatch.delenv("BEATDESK_ENCRYPTION_OLD_KEYS", raising=False)
    monkeypatch.setenv("BEATDESK_ENCRYPTION_KEY_FILE", str(path))
    try:
        token = crypto.encrypt_json({"token": "kept"})
        assert path.exists()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        crypto.reset_key_cache()
        assert crypto.decrypt_json(token) == {"token": "kept"}
    finally:
        crypto.reset_key_cache()
