import pytest
from django.core.exceptions import ValidationError

from beatdesk.people import signatures
from beatdesk.people.services import officer_update_profile

pytestmark = pytest.mark.django_db


def test_signature_follows_force_template(officer_york, other_force, officer_other_force):
    assert signatures.signature_for(officer_york) == "^JH"
    assert signatures.signature_for(officer_other_force) == "- PC Frost 412"


def test_sign_appends_on_its_own_line(officer_york):
    assert (
        signatures.sign("Road closed on the A64.  ", officer_york) == "Road closed on the A64.\n^JH"
    )


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("^{nick}", "Unknown placeholder"),
        ("^{initials", "unbalanced"),
        ("no names", "must name the officer"),
    ],
)
def test_bad_templates_are_explained(template, message):
    with pytest.raises(ValidationError) as info:
        signatures.validate_template(template)
    assert message in " ".join(info.value.messages)


def test_override_must_still_identify_the_officer(officer_york):
    officer_update_profile(
        actor=officer_york, officer=officer_york, signature_override="Jess H 2291"
    )
    assert signatures.signature_for(officer_york) == "Jess H 2291"
    with pytest.raises(ValidationError):
        officer_update_profile(
            actor=officer_york, officer=officer_york, signature_override="York team"
        )


def test_officer_cannot_change_someone_elses_profile(officer_york, officer_scarborough):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        officer_update_profile(actor=officer_scarborough, officer=officer_york, bio="hacked")


def test_officer_cannot_change_own_rank(officer_york):
    with pytest.raises(ValidationError):
        officer_update_profile(actor=officer_york, officer=officer_york, rank="Insp")
