import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from beatdesk.people.passwords import BreachedPasswordValidator, breached_passwords


def test_the_bundled_list_is_loaded():
    words = breached_passwords()
    assert len(words) >= 30000
    assert "qwerty123456" in words


@pytest.mark.parametrize(
    "password",
    [
        "qwerty123456",
        "QWERTY123456",
        "1qaz2wsx3edc",
        "leavemealone",
        "dragon123456789!",
        "monkeymonkeymonkey",
    ],
)
def test_breached_passwords_and_trivial_variants_are_refused(password):
    with pytest.raises(ValidationError) as err:
        BreachedPasswordValidator().validate(password)
    assert "appeared in data breaches" in err.value.messages[0]


def test_a_long_unrelated_passphrase_passes():
    BreachedPasswordValidator().validate("lantern orbit pebble cactus")


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short-pass1", "at least 12 characters"),
        ("cookiemonster", "too common"),
        ("qwerty123456", "data breaches"),
    ],
)
def test_the_configured_validators_refuse(password, reason):
    with pytest.raises(ValidationError) as err:
        validate_password(password)
    assert any(reason in m for m in err.value.messages), err.value.messages


def test_no_composition_rules():
    # Lower-case letters and spaces only: long enough, not breached, so accepted.
    validate_password("the quiet harbour keeps its lanterns lit")
