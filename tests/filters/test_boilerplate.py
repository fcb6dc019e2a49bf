"""Tests of the boilerplate families: case tables, seed gold, registry rows and properties."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corpusclean.decision import Decision
from corpusclean.document import Document
from corpusclean.filters import BUILTINS, DEFAULT_STEPS
from corpusclean.filters import boilerplate as bp
from corpusclean.pipeline import Pipeline, Step
from corpusclean.registry import default_registry

CASES_FILE = Path(__file__).resolve().parent.parent / "cases" / "boilerplate.jsonl"
CASES = [json.loads(line) for line in CASES_FILE.read_text(encoding="utf-8").splitlines() if line]
FAMILIES = ("boilerplate.cookie", "boilerplate.comment_form", "boilerplate.widget",
            "boilerplate.share", "boilerplate.navigation")
SEED_KINDS = {
    "cookie-banner": "boilerplate.cookie",
    "comment-form": "boilerplate.comment_form",
    "navigation": "boilerplate.navigation",
    "page-widget": "boilerplate.widget",
}


def _removed(decision: Decision) -> dict[str, str]:
    return {str(r.line): r.reason for r in decision.removed}


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, id=c["label"], marks=[pytest.mark.xfail(strict=True)]
                  if c.get("status") == "known-failure" else []) for c in CASES],
)
def test_case_table(case: dict) -> None:
    doc = Document.from_text(case["input"], id=case["label"])
    filt = default_registry().build(case["filter"])
    assert _removed(filt(doc)) == case["expect_removed"], case["comment"]


def test_case_table_covers_every_family_with_negatives_in_several_languages() -> None:
    for family in FAMILIES:
        rows = [c for c in CASES if c["filter"] == family]
        assert len({c["lang"] for c in rows if c["expect_removed"]}) >= 8, family
        assert any(not c["expect_removed"] for c in rows), family


def _boilerplate_pipeline() -> Pipeline:
    """The default pipeline up to and with the boilerplate families (later steps belong to
    other families and are tested there)."""
    last = max(DEFAULT_STEPS.index(f) for f in FAMILIES)
    return Pipeline([Step(name) for name in DEFAULT_STEPS[: last + 1]])


def test_seed_gold(seeds_dir: Path) -> None:
    pipe = _boilerplate_pipeline()
    for row in map(json.loads, (seeds_dir / "gold.jsonl").read_text(encoding="utf-8").splitlines()):
        text = (seeds_dir / row["file"]).read_text(encoding="utf-8")
        removed = {r.line: r.reason for r in pipe.run(Document.from_text(text)).doc.removals}
        for no, entry in row["boilerplate_lines"].items():
            want = SEED_KINDS.get(entry["kind"])
            if want is not None:
                assert removed.get(int(no)) == want, (row["file"], no, entry)
        kept_wrongly = [no for no in row["content_lines"] if no in removed]
        assert not kept_wrongly, (row["file"], {no: removed[no] for no in kept_wrongly})


def test_registered_in_builtins_and_default_pipeline() -> None:
    names = [info.name for info in BUILTINS]
    for family in FAMILIES:
        assert family in names
        info = default_registry().get(family)
        assert info.reasons == frozenset({family})
        assert family in info.reason_help
    steps = list(DEFAULT_STEPS)
    assert steps.index("encoding.normalize") < min(steps.index(f) for f in FAMILIES)


def test_parameters_round_trip_through_toml() -> None:
    pipe = Pipeline([Step("boilerplate.cookie", languages=["de", "fr"], window=2),
                     Step("boilerplate.navigation", edge_labels=False,
                          extra_lines=["Zur Übersicht"])])
    assert Pipeline.from_toml(pipe.to_toml()) == pipe


def test_languages_restrict_the_tables() -> None:
    doc = Document.from_text("Schreibe einen Kommentar\nLeave a reply")
    only_en = bp.CommentForm(languages=("en",))
    assert _removed(only_en(doc)) == {"2": "boilerplate.comment_form"}


def test_unknown_language_is_a_config_error() -> None:
    with pytest.raises(ValueError, match="known: en, de"):
        bp.ShareLinks(languages=("xx",))


def test_every_table_covers_every_language() -> None:
    from corpusclean.filters import _boilerplate_phrases as phrases

    tables = {name: value for name, value in vars(phrases).items()
              if name.isupper() and isinstance(value, dict)}
    for name, table in tables.items():
        assert set(table) == set(phrases.LANGUAGES), name


def test_extra_lines_add_whole_line_phrases() -> None:
    doc = Document.from_text("A sentence of running text that stays in the page.\nZur Übersicht")
    nav = bp.Navigation(extra_lines=("Zur Übersicht",))
    assert _removed(nav(doc)) == {"2": "boilerplate.navigation"}
    assert _removed(bp.Navigation()(doc)) == {}


def test_edge_labels_switch() -> None:
    doc = Document.from_text("World\n" + "A sentence of running text. " * 3)
    assert _removed(bp.Navigation(edge_labels=False)(doc)) == {}


def test_input_is_not_mutated() -> None:
    doc = Document.from_text("Leave a Reply\nName *\nText of the page.")
    before = (doc.lines, doc.removals)
    bp.CommentForm()(doc)
    assert (doc.lines, doc.removals) == before


def test_normalize_folds_case_accents_counters_and_arabic_marks() -> None:
    assert bp.normalize("PARTAGER sur Facebook »") == "partager sur facebook"
    assert bp.normalize("Política de privacidad") == bp.normalize("politica de privacidad")
    assert bp.normalize("12 Comments") == "comments"
    assert bp.normalize("أضف تعليقاً") == bp.normalize("اضف تعليقا")


# -- properties -------------------------------------------------------------------------------

FILTERS = [default_registry().build(name) for name in FAMILIES]
UI_WORDS = ["Home", "Menu", "Share", "Facebook", "OK", "Accept", "We use cookies on this site.",
            "Leave a Reply", "Name *", "Published", "on", "3 min read", "World", "March 2024",
            "12", "×", "(", "Details", "Read more:", "A plain sentence of running text here."]
lines_st = st.lists(st.one_of(st.sampled_from(UI_WORDS), st.text(max_size=40)), max_size=25)


@pytest.mark.parametrize("filt", FILTERS, ids=FAMILIES)
@given(lines=lines_st)
def test_properties_never_raise_remove_only_idempotent(filt: object, lines: list[str]) -> None:
    doc = Document.from_text("\n".join(lines))
    first = filt(doc)  # type: ignore[operator]
    out = first.doc if first.action == "rewrite" else doc
    assert first.action in ("keep", "rewrite")
    out_lines = list(out.lines)
    it = iter(doc.lines)
    assert all(line in it for line in out_lines), "output lines are a subsequence of the input"
    assert len(out_lines) + len(first.removed) == len(doc.lines)
    again = filt(out)  # type: ignore[operator]
    assert again.action == "keep", [r.text for r in again.removed]


@given(text=st.text(max_size=300))
def test_boilerplate_steps_never_raise_and_never_drop(text: str) -> None:
    result = _boilerplate_pipeline().run(Document.from_text(text))
    # the steps only remove lines; the pipeline drops a document only when no text is left
    assert result.kept or (result.dropped == "document.empty" and not result.doc.text.strip())
    assert {r.reason for r in result.doc.removals} <= set(FAMILIES)
