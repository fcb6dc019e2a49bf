"""The boilerplate families' shared paths give what a cold run gives.

With the compiled core, a family passes the page of the document it returns on to the next
family; the result of a family on a document must not depend on what it or another family read
before. The phrase split, the gate and the phrase patterns are checked against plain forms.
"""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpusclean.document import Document
from corpusclean.filters import _boilerplate_phrases as phrases
from corpusclean.filters import boilerplate as bp
from corpusclean.registry import default_registry

FAMILIES = ("boilerplate.cookie", "boilerplate.comment_form", "boilerplate.widget",
            "boilerplate.share", "boilerplate.navigation")

# Lines whose verdict depends on their neighbours: lead-ins ("Share:") and the short lines
# after them, code tokens after a label ("Search" then "("), buttons next to a banner, dates
# next to a stamp, menu labels in runs, and running text that sets the page's edges.
POOL = ["Home", "Menu", "World", "Sports", "Search", "(", "=", ".", "Share:", "Share this:",
        "Follow us on:", "Sections:", "Read more:", "Facebook", "Twitter", "E-mail", "Mail",
        "We use cookies on this website.", "OK", "Accept", "Cookie settings", "×", "Leave a Reply",
        "Name *", "Email *", "Website", "12", "Published", "on", "March 3, 2024", "3 min read",
        "Monday 9:30 am - 6 pm", "Home > World > Asia", "Details", "Back to top",
        "Subscribe to our newsletter", "a = 1; b = 2 cookie", "",
        "A plain sentence of running text that goes on for a while here.",
        "Another sentence, long enough to be running text on this page."]
docs_st = st.lists(st.lists(st.sampled_from(POOL) | st.text(max_size=20), max_size=14),
                   min_size=1, max_size=6)


def _forget() -> None:
    """Drop the lines the families pass on to each other."""
    bp._last_core = ((), None)


def _cold(name: str, doc: Document) -> object:
    _forget()
    return default_registry().build(name)(doc)


@settings(max_examples=60, deadline=None)
@given(texts=docs_st)
def test_a_family_that_has_read_other_pages_decides_as_a_fresh_one(texts: list[list[str]]) -> None:
    docs = [Document.from_text("\n".join(lines)) for lines in texts]
    for name in FAMILIES:
        warm = default_registry().build(name)
        expected = [_cold(name, doc) for doc in docs]
        got = [warm(doc) for doc in docs]
        assert got == expected, name
        assert [warm(doc) for doc in docs] == expected, name  # every line remembered now


@given(lines=docs_st.map(lambda texts: [t for lines in texts for t in lines]))
def test_the_chain_of_families_equals_each_family_run_cold(lines: list[str]) -> None:
    doc = Document.from_text("\n".join(lines))
    _forget()
    chained = []
    for name in FAMILIES:
        decision = default_registry().build(name)(doc)
        chained.append(decision)
        doc = decision.doc if decision.doc is not None else doc
    doc = Document.from_text("\n".join(lines))
    for name, expected in zip(FAMILIES, chained):
        decision = _cold(name, doc)
        assert decision == expected, name
        doc = decision.doc if decision.doc is not None else doc


def _split_reference(items: set[str], norm: str) -> bool:
    """Can ``norm`` be cut into phrases of ``items``: every cut tried, up to the longest phrase."""
    words = norm.split()
    longest = max((p.count(" ") + 1 for p in items), default=0)
    reach = [True] + [False] * len(words)
    for start in range(len(words)):
        for stop in range(start + 1, min(len(words), start + longest) + 1):
            reach[stop] = reach[stop] or (reach[start] and " ".join(words[start:stop]) in items)
    return bool(words) and reach[-1]


WORDS = st.sampled_from(["a", "b", "c", "ab", "e", "mail"])
phrases_st = st.lists(WORDS, min_size=1, max_size=3).map(" ".join)


@given(items=st.sets(phrases_st, max_size=8), line=st.lists(WORDS, max_size=8).map(" ".join))
def test_phrase_split_equals_trying_every_cut(items: set[str], line: str) -> None:
    assert bp.PhraseSet(items).split(line) == _split_reference(items, line)


# The tables whose patterns the families search only in lines that pass the gate.
GATED = ("CONSENT_PHRASES", "COOKIE_TERMS", "COMMENT_PHRASES", "COMMENT_PROMPTS", "NAV_PHRASES",
         "NEWSLETTER_TERMS")
GATED_PHRASES = sorted({p for name in GATED for ps in getattr(phrases, name).values() for p in ps})
LANGUAGE_CHOICES = [(), ("en",), ("de",), ("fr",), ("ru",), ("ar",), ("zh",), ("ja",), ("pl", "tr")]
gated_line_st = st.lists(st.sampled_from(GATED_PHRASES) | st.text(max_size=8), max_size=4).map(
    " ".join) | st.builds(lambda a, p, b: a + p + b, st.text(max_size=4),
                          st.sampled_from(GATED_PHRASES), st.text(max_size=4))


@settings(max_examples=300)
@given(text=gated_line_st)
def test_a_line_the_gate_passes_over_has_no_gated_phrase_in_any_language(text: str) -> None:
    norm = bp.normalize(text)
    if bp._text(text).phrase:
        return
    for languages in LANGUAGE_CHOICES:
        for prefix in (False, True):
            for name in GATED:
                assert bp.phrase_search((name,), languages, prefix).search(norm) is None, name


@pytest.mark.parametrize("phrase", GATED_PHRASES)
def test_the_gate_finds_every_gated_phrase_in_a_line(phrase: str) -> None:
    assert bp._text(phrase).phrase
    assert bp._text(f"Text before, {phrase}, and after.").phrase


@pytest.mark.parametrize("name", FAMILIES)
def test_a_used_filter_pickles_without_its_core(name: str) -> None:
    filt = default_registry().build(name)
    doc = Document.from_text("Home\nWe use cookies on this site.\nOK\nLeave a Reply\nName *\n"
                             "3 min read\nShare:\nFacebook\nA plain sentence of running text.")
    decision = filt(doc)
    loaded = pickle.loads(pickle.dumps(filt))
    assert loaded == filt
    assert "_core" not in vars(loaded)
    _forget()
    assert loaded(doc) == decision
