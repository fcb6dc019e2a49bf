import functools
from dataclasses import dataclass

import pytest

from corpusclean import ConfigError, Document, FilterInfo, Pipeline, Registry, Step, UnknownStepError
from corpusclean.decision import drop, keep, remove_lines
from corpusclean.filters import BUILTINS


@dataclass(frozen=True)
class DropShort:
    """Drop documents with fewer than ``min_chars`` characters."""

    min_chars: int = 3

    def __call__(self, doc):
        return drop("quality.too_short") if len(doc.text) < self.min_chars else keep()


@dataclass(frozen=True)
class RemoveMarked:
    """Remove lines that start with ``marker``."""

    marker: str = "#"

    def __call__(self, doc):
        return remove_lines(doc, {i: "test.marked" for i, ln in enumerate(doc.lines) if ln.text.startswith(self.marker)})


@dataclass(frozen=True)
class SiteRepeats:
    """A toy corpus step: remove lines seen in at least ``k`` documents."""

    k: int = 2

    def empty(self):
        return {}

    def collect(self, state, doc):
        for line in {ln.text for ln in doc.lines if ln.text}:
            state[line] = state.get(line, 0) + 1
        return state

    def merge(self, states):
        out = {}
        for s in states:
            for k, v in s.items():
                out[k] = out.get(k, 0) + v
        return out

    def bind(self, state):
        k = self.k

        def apply(doc):
            return remove_lines(doc, {i: "corpus.repeated" for i, ln in enumerate(doc.lines) if state.get(ln.text, 0) >= k})

        return apply


def registry():
    return Registry([
        *BUILTINS,
        FilterInfo("test.drop_short", DropShort, reasons=frozenset({"quality.too_short"})),
        FilterInfo("test.remove_marked", RemoveMarked, reasons=frozenset({"test.marked"})),
        FilterInfo("test.site_repeats", SiteRepeats, reasons=frozenset({"corpus.repeated"}), corpus=True),
    ])


def test_python_and_toml_are_the_same_pipeline():
    pipe = Pipeline([Step("encoding.normalize"), Step("test.drop_short", min_chars=5)], registry=registry())
    again = Pipeline.from_toml(pipe.to_toml(), registry=registry())
    assert again == pipe
    assert again.fingerprint() == pipe.fingerprint()
    assert "min_chars = 5" in pipe.to_toml()


def test_defaults_are_written_and_change_the_fingerprint():
    a = Pipeline([Step("test.drop_short")], registry=registry())
    b = Pipeline([Step("test.drop_short", min_chars=4)], registry=registry())
    assert "min_chars = 3" in a.to_toml()
    assert a.fingerprint() != b.fingerprint()


def test_config_errors_are_collected():
    toml = """
[pipeline]
schema = 1
[[steps]]
use = "test.drop_shrt"
[[steps]]
use = "test.drop_short"
min_char = 3
[[steps]]
use = "test.drop_short"
min_chars = "three"
"""
    with pytest.raises(ConfigError) as err:
        Pipeline.from_toml(toml, registry=registry())
    text = str(err.value)
    assert "steps[0]" in text and "did you mean" in text
    assert "steps[1].min_char" in text and "min_chars" in text
    assert "steps[2].min_chars: expected int" in text
    assert len(err.value.problems) == 3


def test_unknown_step_lists_close_names():
    with pytest.raises(UnknownStepError, match="encoding.normalize"):
        registry().get("encoding.normalise")


def test_bad_toml_is_a_config_error():
    with pytest.raises(ConfigError, match="not valid TOML"):
        Pipeline.from_toml("[[steps]\nuse=", registry=registry())


def test_requires_must_be_provided_earlier():
    reg = Registry([
        FilterInfo("a.needs", DropShort, reasons=frozenset({"quality.too_short"}), requires=frozenset({"language"})),
    ])
    with pytest.raises(ConfigError, match="needs"):
        Pipeline([Step("a.needs")], registry=reg)


def test_step_names_are_unique_and_key_the_trace():
    pipe = Pipeline([Step("test.remove_marked"), Step("test.remove_marked", marker="!")], registry=registry())
    assert pipe.names == ("test_remove_marked", "test_remove_marked_2")
    result = pipe.run(Document.from_text("a\n#b\n!c"))
    assert result.doc.text == "a"
    assert [(r.line, r.step) for r in result.doc.removals] == [(2, "test_remove_marked"), (3, "test_remove_marked_2")]


def test_drop_stops_the_pipeline_and_keeps_the_document():
    pipe = Pipeline([Step("test.drop_short", min_chars=10), Step("test.remove_marked")], registry=registry())
    result = pipe.run(Document.from_text("#x"))
    assert result.dropped == "quality.too_short"
    assert result.dropped_by == "test_drop_short"
    assert result.doc.text == "#x"
    assert len(result.trace) == 1


def test_undeclared_reason_is_refused():
    reg = Registry([FilterInfo("test.liar", RemoveMarked, reasons=frozenset({"test.other"}))])
    with pytest.raises(RuntimeError, match="undeclared"):
        Pipeline([Step("test.liar")], registry=reg).run(Document.from_text("#x\ny"))


def test_corpus_step_segments_and_run_corpus():
    pipe = Pipeline(
        [Step("test.remove_marked"), Step("test.site_repeats"), Step("test.drop_short", min_chars=1)],
        registry=registry(),
    )
    assert pipe.segments() == [(0, 1), (1, 2), (2, 3)]
    docs = [Document.from_text("menu\nbody one\n#x", id="1"), Document.from_text("menu\nbody two", id="2"),
            Document.from_text("menu", id="3")]
    results = pipe.run_corpus(docs)
    assert [r.doc.text for r in results] == ["body one", "body two", ""]
    assert results[2].dropped == "quality.too_short"
    assert [r.reason for r in results[0].doc.removals] == ["test.marked", "corpus.repeated"]


def test_unbound_corpus_step_says_how_to_run_it():
    pipe = Pipeline([Step("test.site_repeats")], registry=registry())
    with pytest.raises(RuntimeError, match="run_corpus"):
        pipe.run(Document.from_text("x"))


@dataclass(frozen=True)
class DropWithNote:
    """Drop every document, noting why in an annotation."""

    def __call__(self, doc):
        return drop("quality.too_short", doc=doc.annotate(note="why").evolve(lines=()))


def test_drop_keeps_the_annotations_of_its_document_only():
    reg = registry()
    reg.add(FilterInfo("test.drop_note", DropWithNote, reasons=frozenset({"quality.too_short"})))
    result = Pipeline([Step("test.drop_note")], registry=reg).run(Document.from_text("a\nb"))
    assert result.dropped == "quality.too_short"
    assert result.doc.annotations["note"] == "why"
    assert result.doc.text == "a\nb"  # lines are not the drop's to change


@dataclass(frozen=True)
class Fails:
    """A step that fails on every document."""

    def __call__(self, doc):
        raise RuntimeError("broken step")


def test_warm_up_loads_what_the_steps_use_once():
    from corpusclean.language import detect
    from corpusclean.filters import layout

    detect.factory.cache_clear()
    detect.core_detector.cache_clear()  # the compiled detector
    layout.load_model.cache_clear()
    Pipeline.default().warm_up()
    assert detect.core_detector.cache_info().currsize == 1
    # The compiled detector reads langdetect's profiles itself: langdetect's factory is built
    # only without the core.
    assert detect.factory.cache_info().currsize == (0 if detect.core_detector() else 1)
    assert layout.load_model.cache_info().currsize == 1


def test_warm_up_compiles_every_phrase_pattern_of_the_default_families():
    # Forked workers share what the warm-up compiled; a pattern compiled later is compiled again
    # in every worker.
    from corpusclean.filters import boilerplate as bp

    pipe = Pipeline.default()
    bp.phrase_search.cache_clear()
    pipe.warm_up()
    families = [f for f in pipe.filters if isinstance(f, bp._LineFamily)]
    built = ["_core" in vars(f) for f in families]
    assert families
    if families[0]._core is not None:
        # The compiled core carries the families: each one's core is built by the warm-up (the
        # Python patterns serve only documents the core declines).
        assert all(built)
        return
    warmed = bp.phrase_search.cache_info().currsize
    for f in pipe.filters:
        for name in dir(type(f)):  # every phrase pattern a family can reach, resolved
            if name.startswith("_") and isinstance(getattr(type(f), name), functools.cached_property):
                getattr(f, name)
    assert bp.phrase_search.cache_info().currsize == warmed


def test_warm_up_stops_before_corpus_steps_and_survives_a_failing_step():
    reg = Registry([*registry().infos(), FilterInfo("test.fails", Fails, reasons=frozenset())])
    pipe = Pipeline([Step("test.site_repeats"), Step("test.fails")], registry=reg)
    pipe.warm_up()  # the corpus step comes first: nothing runs, nothing is raised
    Pipeline([Step("test.fails")], registry=reg).warm_up()  # the failure is not raised
