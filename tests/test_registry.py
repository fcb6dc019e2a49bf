"""The filter contract, checked for every registered filter (built-ins and plug-ins)."""

import inspect
import json
import pickle
from pathlib import Path

import pytest

from corpusclean import Decision, Document, Pipeline, Registry, Step, default_registry
from corpusclean.errors import DuplicateNameError
from corpusclean.filters import BUILTINS, DEFAULT_STEPS

ROOT = Path(__file__).resolve().parent.parent

NAMES = default_registry().names()
SAMPLES = [
    Document.from_text(""),
    Document.from_text("\n\n \n"),
    Document.from_text("One line of plain text.", id="x", meta={"source": "a/b.txt"}),
    Document.from_text(
        "Home\nNews\n\nA headline\n\nA long paragraph of ordinary prose that says something about the "
        "world, with commas, numbers like 42 and a full stop.\n\nAccept cookies\n",
        id="y",
        meta={"source": "site/page.txt"},
    ),
]


def _build(name):
    return default_registry().build(name)


def _providers(name):
    """Steps that provide what ``name`` requires, so it can run."""
    reg = default_registry()
    steps = []
    for need in sorted(reg.get(name).requires):
        provider = next(i.name for i in reg.infos() if need in i.provides and not i.requires)
        steps.append(Step(provider))
    return steps


def _prepared(name, doc):
    prefix = _providers(name)
    return Pipeline(prefix).run(doc).doc if prefix else doc


@pytest.mark.parametrize("name", NAMES)
def test_builds_from_defaults_and_round_trips_toml(name):
    pipe = Pipeline([*_providers(name), Step(name)])
    assert Pipeline.from_toml(pipe.to_toml()) == pipe


@pytest.mark.parametrize("name", NAMES)
def test_parameters_are_keyword_only_with_defaults(name):
    info = default_registry().get(name)
    for p in info.parameters().values():
        assert p.kind in (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        assert p.default is not inspect.Parameter.empty, f"{name}.{p.name} needs a default"


@pytest.mark.parametrize("name", NAMES)
def test_decides_on_samples_without_touching_input(name):
    info = default_registry().get(name)
    filt = _build(name)
    for doc in SAMPLES:
        doc = _prepared(name, doc)
        before = pickle.dumps(doc)
        if info.corpus:
            state = filt.merge([filt.collect(filt.empty(), doc)])
            apply = filt.bind(pickle.loads(pickle.dumps(state)))
            decision = apply(doc)
        else:
            decision = filt(doc)
        assert isinstance(decision, Decision)
        assert pickle.dumps(doc) == before
        reasons = {r.reason for r in decision.removed}
        if decision.action == "drop":
            reasons.add(decision.reason)
        assert reasons <= info.reasons, f"{name} emitted undeclared {reasons - info.reasons}"


@pytest.mark.parametrize("name", NAMES)
def test_filter_pickles(name):
    filt = _build(name)
    assert pickle.loads(pickle.dumps(filt)) is not None


def test_default_steps_are_registered():
    assert set(DEFAULT_STEPS) <= set(NAMES)


def test_registering_another_filter_under_a_taken_name_fails():
    reg = Registry(BUILTINS)
    info = BUILTINS[0]
    reg.add(info)  # the same filter again is fine
    with pytest.raises(DuplicateNameError):
        reg.add(type(info)(info.name, lambda: None, reasons=frozenset()))


def test_registry_snapshot(update_golden):
    """Adding, renaming or removing a filter, a reason or a parameter is a visible diff."""
    snapshot = {
        info.name: {
            "reasons": sorted(info.reasons),
            "params": sorted(info.parameters()),
            "corpus": info.corpus,
            "requires": sorted(info.requires),
            "provides": sorted(info.provides),
        }
        for info in default_registry().infos()
    }
    path = ROOT / "tests" / "golden" / "registry.json"
    text = json.dumps({"filters": snapshot, "default_steps": list(DEFAULT_STEPS)}, indent=2, sort_keys=True) + "\n"
    if update_golden:
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text, "registry changed: review and run pytest --update-golden"
