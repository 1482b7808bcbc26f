"""Near-duplicate grouping on questions people really ask in a police Q&A."""

import pytest

from beatdesk.qa.similarity import SAME_QUESTION, Index, similarity

SESSION = [
    "When will the speed cameras on Tadcaster Road be installed?",
    "Are speed cameras going in on Tadcaster Rd? When?",
    "What are you doing about the burglaries in Haxby?",
    "Burglaries in Haxby - what is being done about them?",
    "How do I report a noisy neighbour?",
    "What time does the station in Haxby open?",
    "Is anything being done about speeding in Haxby?",
    "Why are there never any PCSOs on patrol in the city centre at night?",
    "how come we never see pcsos patrolling town centre at night??",
    "Can I get my bike security marked somewhere in York?",
    "Where can I get my bicycle marked in York",
    "How do I join the special constabulary?",
    "Is it legal to ride an e-scooter on the road?",
    "Are e scooters legal on roads in York?",
]

SAME = [(0, 1), (2, 3), (7, 8), (9, 10), (12, 13)]
# Different questions that share a place or a topic word: the hard cases.
DIFFERENT = [(2, 6), (5, 6), (3, 5), (0, 6), (4, 11), (9, 12), (10, 13)]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_paraphrases_are_the_same_question(a, b):
    assert similarity(SESSION[a], SESSION[b], corpus=SESSION) >= SAME_QUESTION


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_questions_about_the_same_place_are_not(a, b):
    assert similarity(SESSION[a], SESSION[b], corpus=SESSION) < SAME_QUESTION


def test_index_finds_the_closest_earlier_question():
    index = Index.build(enumerate(SESSION[:12]))
    best, score = index.most_similar("are e-scooters allowed on the roads?")
    assert best is None or score < SAME_QUESTION  # nothing about scooters yet
    best, score = index.most_similar("When are the Tadcaster Road speed cameras going up?")
    assert best in (0, 1) and score >= SAME_QUESTION  # either Tadcaster question


def test_mentions_links_and_case_do_not_matter():
    assert (
        similarity(
            "@YorkPolice WHEN will the speed cameras on Tadcaster Road be installed??",
            "when will the speed cameras on tadcaster road be installed https://t.co/x",
        )
        > 0.95
    )
