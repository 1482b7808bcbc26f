import textwrap
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from beatdesk.audit.models import AuditEvent
from beatdesk.core.demo import DEMO_DIR
from beatdesk.forces.config import ConfigError, check_config, force_import_file, parse
from beatdesk.forces.models import Account, Channel, District, Force, PostcodeDistrict

pytestmark = pytest.mark.django_db


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "force.yaml"
    path.write_text(textwrap.dedent(text))
    return path


def test_demo_force_file_imports_and_reimport_changes_nothing_twice(tmp_path):
    result = force_import_file(actor=None, path=DEMO_DIR / "north-yorkshire.yaml")
    force = result.force
    assert result.created
    assert force.districts.count() == 8
    assert Account.objects.filter(force=force, kind="district").count() == 8
    assert Account.objects.filter(force=force, kind="force").count() == 1
    assert PostcodeDistrict.objects.get(force=force, code="YO11").district.slug == "scarborough"
    # every account has a hub channel
    assert not Account.objects.filter(force=force).exclude(channels__network="hub").exists()
    again = force_import_file(actor=None, path=DEMO_DIR / "north-yorkshire.yaml")
    assert not again.created
    assert District.objects.filter(force=force).count() == 8
    assert Channel.objects.filter(force=force).count() == 18
    assert AuditEvent.objects.filter(action__in=["force.create", "force.import"]).count() == 2


def test_bad_file_names_line_and_field_and_changes_nothing(tmp_path):
    path = write(
        tmp_path,
        """\
        force:
          name: Test Force
          slug: test
        policy:
          signature_template: "^{nickname}"
        districts:
          - slug: york
            name: York
            postcodes: [YO1, Y011]
        """,
    )
    with pytest.raises(ConfigError) as info:
        force_import_file(actor=None, path=path)
    problems = "\n".join(info.value.problems)
    assert "line 5, policy.signature_template" in problems
    assert "{nickname}" in problems
    assert "line 9, districts[0].postcodes[1]" in problems
    assert "'Y011' is not a postcode district" in problems
    assert not Force.objects.filter(slug="test").exists()


def test_cli_reports_problems_without_traceback(tmp_path):
    path = write(tmp_path, "force: {name: X}\n")
    with pytest.raises(CommandError) as info:
        call_command("force", "import", str(path))
    assert "nothing was changed" in str(info.value)
    assert "force.slug: is required" in str(info.value)


def test_invalid_yaml_says_where(tmp_path):
    with pytest.raises(ConfigError) as info:
        parse("force: [unclosed\n", source="f.yaml")
    assert "f.yaml, line" in str(info.value)


def test_unknown_field_and_duplicate_postcode_are_refused():
    text = """
force: {name: T, slug: t, colour: blue}
districts:
  - {slug: a, name: A, postcodes: [YO1]}
  - {slug: b, name: B, postcodes: [yo1]}
"""
    with pytest.raises(ConfigError) as info:
        check_config(parse(text, source="t.yaml"), source="t.yaml")
    problems = "\n".join(info.value.problems)
    assert "force.colour: unknown field" in problems
    assert "YO1 is already covered (line 4)" in problems


def test_cli_import_prints_summary(tmp_path, capsys):
    call_command("force", "import", str(DEMO_DIR / "riverford.yaml"))
    out = capsys.readouterr().out
    assert "Created Riverford Constabulary (demo) (riverford)" in out
    assert AuditEvent.objects.filter(action="force.create", origin="cli").exists()
