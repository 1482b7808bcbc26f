"""A small learned model that backs up the hand-written signals.

Logistic regression over the words and word pairs of a message (after idioms are masked) plus a
few cue flags (past, now, joke, story, hypothetical, "not an emergency"). One model says
"emergency or not" and also weighs runs of five characters; one model per other category
scores the rest. The emergency model divides a message's summed weights by the square root of
its number of features, so a long message is not more certain for having more words. It is trained only on the
development part of ``data/police_messages.jsonl``, which the team wrote, and stored in
``data/triage_model.json``; nothing is downloaded or trained at run time.

Rebuild it after changing the messages or the features:

    python -m beatdesk.inbox.triage.model

A test checks that the stored model is exactly what this training produces.
"""

from __future__ import annotations

import itertools
import json
import math
import random
import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

from . import concepts
from . import signals as sig

MODEL_FILE = Path(__file__).resolve().parent / "data" / "triage_model.json"
TOKEN = re.compile(r"[a-z][a-z']*|[!?]")
EPOCHS = 30
LEARNING_RATE = 0.3
L2 = 1e-3
# The emergency model, with its features scaled (see ``Linear.scaled``): chosen by 5-fold
# cross-validation on the development part (bench/triage_cv.py, docs/decisions/0050-...).
EMERGENCY_LEARNING_RATE = 1.0
EMERGENCY_L2 = 1e-3
# The learning rate of epoch n is the rate / (1 + DECAY * n): the last examples seen then move
# the weights less, and the model changes less when a few messages are added.
EMERGENCY_DECAY = 0.2
SEED = 5
VERSION = 6
CHARS = 5


# Function words say more about who wrote the team's examples than about danger: without this
# list the model learned that "I'm", "and" and "don't" mean an emergency.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "so",
        "if",
        "then",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "from",
        "with",
        "about",
        "as",
        "into",
        "onto",
        "over",
        "i",
        "im",
        "ive",
        "id",
        "ill",
        "me",
        "my",
        "mine",
        "we",
        "were",
        "weve",
        "our",
        "us",
        "you",
        "youre",
        "your",
        "yours",
        "he",
        "hes",
        "him",
        "his",
        "she",
        "shes",
        "her",
        "hers",
        "they",
        "theyre",
        "them",
        "their",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "there",
        "theres",
        "here",
        "is",
        "are",
        "was",
        "be",
        "been",
        "being",
        "am",
        "do",
        "does",
        "did",
        "dont",
        "doesnt",
        "didnt",
        "have",
        "has",
        "had",
        "havent",
        "hasnt",
        "cant",
        "cannot",
        "wont",
        "will",
        "would",
        "could",
        "should",
        "can",
        "may",
        "might",
        "must",
        "just",
        "not",
        "no",
        "yes",
        "all",
        "any",
        "some",
        "one",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "very",
        "really",
        "too",
        "also",
        "only",
        "up",
        "out",
        "off",
        "again",
        "still",
        # Words of customer-service complaints as much as of danger: left in, the model learned
        # "trying", "please" and "hours" from our examples and flagged airline complaints.
        "trying",
        "try",
        "going",
        "get",
        "got",
        "know",
        "back",
        "please",
        "someone",
        "hours",
        "anymore",
        "left",
    ]
)


RANKS = frozenset({"pc", "pcso", "sgt", "sergeant", "dc", "insp", "inspector", "supt"})


def _without_names(words: list[str]) -> list[str]:
    """An officer's name says who, not what: "PC Holmes" becomes one neutral token.

    Otherwise one abusive example naming an officer teaches the model that the name is abuse.
    """
    out: list[str] = []
    skip = False
    for word in words:
        if skip:
            skip = False
            continue
        if word in RANKS:
            out.append("officer")
            skip = True
            continue
        out.append(word)
    return out


_LAST_WORDS: list[tuple[str, list[str]]] = [("", [])]


def words(masked: str) -> list[str]:
    """The words the models read (officers' names reduced to "officer")."""
    # The features and the runs of characters of one message are read one after the other;
    # one read and one write of the slot, so threads never see another message's words.
    last = _LAST_WORDS[0]
    if last[0] is masked:
        return last[1]
    # Apostrophes only ever join letters within a word: dropped first, the words are the same.
    read = _without_names(TOKEN.findall(masked.replace("'", "")))
    _LAST_WORDS[0] = (masked, read)
    return read


def features(masked: str, flags: set[str]) -> set[str]:
    """Words and word pairs (with the cue flags): what the category models weigh."""
    read = words(masked)
    found = {w for w in read if w not in STOPWORDS}
    found.update(
        f"{a}_{b}" for a, b in itertools.pairwise(read) if a not in STOPWORDS or b not in STOPWORDS
    )
    found.update(flags)
    return found


def char_runs(masked: str) -> set[str]:
    """Runs of five characters across the words, for the emergency model only.

    They carry misspellings ("stabed"), word endings and short phrases ("he's in") that whole
    words miss. In 5-fold cross-validation on the development part they raised the emergency
    model's own recall at p >= 0.5 from 0.86 to 0.92 with precision no lower. The category
    models do without them: they would cost more time than they give.
    """
    joined = " ".join(words(masked))
    return {joined[i : i + CHARS] for i in range(len(joined) - CHARS + 1)}


def cue_flags(text: str, masked: str) -> set[str]:
    flags = set()
    for flag, pattern, source in (
        ("#past", sig.PAST, masked),
        ("#longpast", sig.LONG_PAST, masked),
        ("#now", sig.NOW_STRONG, masked),
        ("#joke", sig.JOKE, text),
        ("#story", sig.STORY, masked),
        ("#cond", sig.CONDITIONAL, masked),
        ("#calm", sig.NOT_EMERGENCY, masked),
    ):
        if pattern.search(source):
            flags.add(flag)
    return flags


@dataclass(frozen=True)
class Linear:
    bias: float
    weights: dict[str, float]
    # Weights of runs of characters, kept apart (stored with a "~" in front of each).
    runs: dict[str, float] = field(default_factory=dict)
    # The summed weights are divided by the square root of the number of features (words, pairs,
    # flags and runs): a long message does not pile up evidence just by being long.
    scaled: bool = False

    def probability(self, feats: set[str], runs: set[str] = frozenset()) -> float:  # type: ignore[assignment]
        # The intersection runs in C over the smaller side: most words have no weight.
        z = sum(map(self.weights.__getitem__, self.weights.keys() & feats))
        if runs:
            z += sum(map(self.runs.__getitem__, self.runs.keys() & runs))
        if self.scaled:
            z *= _scale(len(feats) + len(runs))
        return _sigmoid(z + self.bias)

    def top(self, feats: set[str], n: int = 3) -> list[str]:
        """The features that pushed hardest towards yes, for the reasons staff read."""
        # Cue flags, runs of characters and concepts mean little to a reader: whole words only.
        scored = [(self.weights.get(f, 0.0), f) for f in feats if f[0] not in "#~@"]
        return [f.replace("_", " ") for w, f in sorted(scored, reverse=True)[:n] if w > 0]


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def _scale(count: int) -> float:
    return 1.0 / math.sqrt(count) if count else 1.0


def _fit(
    rows: list[tuple[set[str], float]],
    *,
    scaled: bool = False,
    learning_rate: float = LEARNING_RATE,
    l2: float = L2,
    decay: float = 0.0,
) -> Linear:
    weights: dict[str, float] = {}
    bias = 0.0
    order = list(range(len(rows)))
    rnd = random.Random(SEED)
    for epoch in range(EPOCHS):
        rnd.shuffle(order)
        rate = learning_rate / (1.0 + decay * epoch)
        for i in order:
            feats, target = rows[i]
            scale = _scale(len(feats)) if scaled else 1.0
            z = bias + scale * sum(weights.get(f, 0.0) for f in feats)
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            grad = p - target
            bias -= rate * grad
            for f in feats:
                w = weights.get(f, 0.0)
                weights[f] = w - rate * (grad * scale + l2 * w)
    kept = {f: round(w, 2) for f, w in sorted(weights.items()) if abs(w) >= 0.05}
    return Linear(round(bias, 3), kept, scaled=scaled)


def train(examples) -> dict:
    """Fit the emergency model and one model per other category; return them as plain data."""
    from .engine import _mask

    rows = []
    for example in examples:
        norm = sig.normalise(example.text)
        masked, _ = _mask(norm, sig.FIGURATIVE)
        flags = cue_flags(norm, masked)
        # The emergency model alone also weighs the kinds of danger named (``concepts.py``).
        runs = {"~" + run for run in char_runs(masked)} | concepts.features(
            concepts.found(masked), flags
        )
        rows.append((features(masked, flags), runs, example.category))
    models = {"version": VERSION, "emergency": None, "categories": {}}
    emergency = _fit(
        [(f | runs, 1.0 if c == "emergency" else 0.0) for f, runs, c in rows],
        scaled=True,
        learning_rate=EMERGENCY_LEARNING_RATE,
        l2=EMERGENCY_L2,
        decay=EMERGENCY_DECAY,
    )
    models["emergency"] = {"bias": emergency.bias, "weights": emergency.weights, "scaled": True}
    others = [(f, c) for f, _runs, c in rows if c != "emergency"]
    for category in sorted({c for _f, c in others}):
        fitted = _fit([(f, 1.0 if c == category else 0.0) for f, c in others])
        models["categories"][category] = {"bias": fitted.bias, "weights": fitted.weights}
    return models


@dataclass(frozen=True)
class Models:
    emergency: Linear | None
    categories: dict[str, Linear]

    @cached_property
    def _category_rows(self) -> dict[str, tuple[float, ...]] | None:
        """Each feature a category model weighs, with its weight in every model (0 where none).

        None when a category model is scaled or weighs runs of characters: then the number of
        features counts too, and each model is asked on its own.
        """
        models = self.categories.values()
        if any(m.scaled or m.runs for m in models):
            return None
        weighed = set().union(*(m.weights for m in models))
        return {f: tuple(m.weights.get(f, 0.0) for m in models) for f in weighed}

    def category_probabilities(self, feats: set[str]) -> dict[str, float]:
        """Each category model's ``probability``, in one pass over the message's features.

        A message has a few dozen features and a handful of them weighed by any model: looking
        each up once and summing the models' columns takes half the time of asking eight models.
        """
        rows = self._category_rows
        if rows is None:
            return {c: m.probability(feats) for c, m in self.categories.items()}
        found = [rows[f] for f in rows.keys() & feats]
        # A weight of 0 leaves a sum unchanged, so each column sums what ``probability`` sums.
        sums = map(sum, zip(*found, strict=True)) if found else itertools.repeat(0)
        return {
            c: _sigmoid(z + m.bias)
            for (c, m), z in zip(self.categories.items(), sums, strict=False)
        }


def urgency(text: str) -> float:
    """A cheap first reading of how likely ``text`` is an emergency, to order a backlog.

    The emergency model's weights of the words and word pairs of the raw text and of the run of
    characters that starts each word (no masking of idioms, no cue flags, not every run),
    scaled as the model scales: about a twentieth of ``classify``'s cost. It only orders
    messages waiting for triage (most likely emergencies first); it never decides anything
    about a message, so a message it ranks low is still fully triaged, only later. 0.0 when
    there is no model.

    The runs at word starts carry most of what the runs give the model (misspellings, word
    stems) for a fifth of their cost: on the held-out police messages, the airline tweets read
    as more urgent than the 5 % least urgent emergencies fall from 6.9 % to 1.7 %
    (docs/benchmarks.md).
    """
    weights, runs = _urgency_weights()
    if not weights:
        return 0.0
    seq = URGENCY_TOKEN.findall(text.lower().replace("'", ""))
    found = set(seq)
    found.update(map("_".join, itertools.pairwise(seq)))
    joined = " ".join(seq)
    starts = set()
    at = 0
    for word in seq:
        starts.add(joined[at : at + CHARS])
        at += len(word) + 1
    z = sum(map(weights.__getitem__, weights.keys() & found))
    z += sum(map(runs.__getitem__, runs.keys() & starts))
    return z * _scale(len(found) + len(starts))


URGENCY_TOKEN = re.compile(r"[a-z]+")


@cache
def _urgency_weights() -> tuple[dict[str, float], dict[str, float]]:
    """The emergency model's weights of words and word pairs, and of runs of characters."""
    emergency = load().emergency
    if emergency is None:
        return {}, {}
    return {f: w for f, w in emergency.weights.items() if f[0] not in "#~@"}, emergency.runs


@cache
def load(path: Path = MODEL_FILE) -> Models:
    if not path.exists():
        return Models(None, {})
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("version") != VERSION:
        return Models(None, {})
    emergency = linear(data["emergency"])
    categories = {c: linear(m) for c, m in data["categories"].items()}
    return Models(emergency, categories)


def linear(data: dict) -> Linear:
    """A stored model: the runs of characters (keys starting "~") go in a dictionary of their own."""
    weights = {f: w for f, w in data["weights"].items() if not f.startswith("~")}
    runs = {f[1:]: w for f, w in data["weights"].items() if f.startswith("~")}
    return Linear(data["bias"], weights, runs, scaled=bool(data.get("scaled")))


def write(path: Path = MODEL_FILE) -> dict:
    from .dataset import development

    models = train(development())
    path.write_text(json.dumps(models, sort_keys=True, separators=(",", ":")) + "\n")
    return models


if __name__ == "__main__":
    written = write()
    print(
        f"Wrote {MODEL_FILE.name}: emergency model with {len(written['emergency']['weights'])} "
        f"features, {len(written['categories'])} category models."
    )
