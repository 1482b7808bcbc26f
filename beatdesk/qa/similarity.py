"""Near-duplicate questions: TF-IDF cosine over words and character n-grams, in pure Python.

Questions in a Q&A are short and written in a hurry, so two signals are combined: content words
(stop words removed, crudely stemmed) catch re-ordered paraphrases, and character 3-grams inside
words catch spelling slips and word forms the stemmer misses. Inverse document frequency is
taken from the session's own questions, so a word every question shares ("police", the town's
name) counts for little. Nothing is downloaded and nothing is trained.
"""

from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# Two questions at or above this score are the same question (tuned on the paraphrases in
# tests/test_similarity.py: same-question pairs score about 0.5-1.0, different questions about
# the same place or topic stay under 0.3).
SAME_QUESTION = 0.40

STOP_WORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "been",
        "being",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "done",
        "for",
        "from",
        "get",
        "got",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "just",
        "me",
        "my",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "our",
        "ours",
        "out",
        "over",
        "please",
        "really",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "anyone",
        "anything",
        "something",
        "there's",
        "what's",
        "who's",
        "it's",
        "i'm",
        "you're",
        "going",
        "gonna",
        "thanks",
        "thank",
        "hi",
        "hello",
        "guys",
        "police",
        "officer",
        "officers",
        "any",
        "plans",
        "plan",
        "being",
        "happening",
        "happen",
        "also",
        "still",
        "yet",
        "ever",
        "even",
    ]
)

_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"@\w+")
_NON_WORD = re.compile(r"[^a-z0-9]+")

# Plurals and verb forms collapse to one key ("burglaries", "burglary" -> "burglar").
_SUFFIXES = (
    "ingly",
    "ation",
    "ings",
    "ies",
    "ied",
    "ing",
    "ers",
    "est",
    "ly",
    "ed",
    "es",
    "s",
    "y",
)


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = _URL.sub(" ", text)
    text = _MENTION.sub(" ", text)
    text = text.replace("'", "").replace("\u2019", "")
    return " ".join(_NON_WORD.sub(" ", text).split())


def stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if len(word) - len(suffix) >= 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


# Everyday short forms people type in a hurry, mapped to one word.
SYNONYMS = {
    "bike": "bicycle",
    "bikes": "bicycle",
    "cycle": "bicycle",
    "rd": "road",
    "st": "street",
    "ave": "avenue",
    "cops": "police",
    "coppers": "police",
    "kids": "children",
    "youths": "teenagers",
    "escooter": "scooter",
    "escooters": "scooter",
    "scooters": "scooter",
    "pcso": "pcsos",
}


def content_words(text: str) -> list[str]:
    words = (SYNONYMS.get(w, w) for w in normalise(text).split())
    return [stem(w) for w in words if w not in STOP_WORDS and len(w) > 1]


def features(text: str) -> Counter[str]:
    """Word stems, word-pair stems and character 3-grams of the content words."""
    words = content_words(text)
    found: Counter[str] = Counter()
    for word in words:
        found["w:" + word] += 1
        padded = f" {word} "
        for i in range(len(padded) - 2):
            found["c:" + padded[i : i + 3]] += 1
    for first, second in itertools.pairwise(words):
        found[f"b:{first} {second}"] += 1
    return found


# Words carry more meaning than their letters; pairs more than single words.
_WEIGHTS = {"w": 1.0, "b": 0.5, "c": 0.35}


@dataclass
class Index:
    """Feature vectors of a set of questions, with IDF from the same set."""

    ids: list[int]
    vectors: list[dict[str, float]]
    idf: dict[str, float]

    @classmethod
    def build(cls, items: Iterable[tuple[int, str]]) -> Index:
        ids: list[int] = []
        counts: list[Counter[str]] = []
        for item_id, text in items:
            ids.append(item_id)
            counts.append(features(text))
        df: Counter[str] = Counter()
        for c in counts:
            df.update(c.keys())
        return cls(ids=ids, vectors=[], idf=_idf(df, len(counts))).with_vectors(counts)

    def with_vectors(self, counts: Sequence[Counter[str]]) -> Index:
        self.vectors = [self.vector(c) for c in counts]
        return self

    def vector(self, counted: Counter[str]) -> dict[str, float]:
        default = self.idf.get("", 1.0)
        vec = {
            f: (1 + math.log(n)) * self.idf.get(f, default) * _WEIGHTS[f[0]]
            for f, n in counted.items()
        }
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        return {f: v / norm for f, v in vec.items()}

    def most_similar(self, text: str) -> tuple[int | None, float]:
        """The id of the closest question and its cosine score (None, 0.0 when empty)."""
        query = self.vector(features(text))
        best_id, best = None, 0.0
        for item_id, vec in zip(self.ids, self.vectors, strict=True):
            score = cosine(query, vec)
            if score > best:
                best_id, best = item_id, score
        return best_id, best


def _idf(df: Counter[str], n_docs: int) -> dict[str, float]:
    # Smoothed, and with a floor: a small session must not make its common words worthless.
    idf = {f: max(0.35, math.log((1 + n_docs) / (1 + d)) + 1) for f, d in df.items()}
    idf[""] = math.log(1 + n_docs) + 1
    return idf


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(f, 0.0) for f, v in a.items())


def similarity(first: str, second: str, *, corpus: Iterable[str] = ()) -> float:
    """How alike two questions are, 0..1, with IDF from ``corpus`` plus the two themselves."""
    texts = [first, second, *corpus]
    index = Index.build(enumerate(texts))
    return cosine(index.vectors[0], index.vectors[1])
