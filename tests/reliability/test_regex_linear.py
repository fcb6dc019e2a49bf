"""Every compiled pattern in the package runs in linear time on adversarial lines.

Patterns are found by walking every module of ``corpusclean`` (and the classes and containers
defined at module level), so patterns added later are covered without editing this test. Each is
run on long runs of repeated characters and of near-matches built from its own literals, at 10k
and at 100k characters; time must grow about tenfold, not a hundredfold. Every call runs under the
time budget (SIGALRM, which interrupts both engines) and a ``regex`` call also gets the engine's
own ``timeout``, so a catastrophic pattern fails the test instead of hanging it.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
import regex

import corpusclean
from corpusclean.budget import BudgetExceeded, time_budget

PATTERN_TYPES = (re.Pattern, type(regex.compile("")))
SHORT, LONG = 10_000, 100_000
#: t(100k) / t(10k): linear is about 10, quadratic 100 or more. Linear patterns measure up to
#: about 40 here when the 10k run fits in the CPU cache and the 100k run does not (decision.REASON_RE
#: with the ``regex`` engine: about 1 ms at 10k, 45 ms at 100k, then tenfold per tenfold), hence
#: the generous bound.
MAX_RATIO = 60.0
#: Below this many seconds at 100k, a pattern is fast whatever its ratio says (timer noise on a
#: shared machine).
NOISE_FLOOR = 0.02
#: A 10k run this slow is checked at 100k at once (a quadratic pattern shows itself early).
SUSPECT = 0.2
#: Seconds one call may take before the pattern counts as catastrophic.
CALL_LIMIT = 5.0
#: 100k runs only for each pattern's slowest inputs at 10k (quadratic shows there already).
PROBES = 4

GENERIC_UNITS = ("a", "A", "1", " ", "\t", ".", "-", "_", "/", "é", "中", "\u200b", "\u00a0", "\ufffd",
                 "ab", "a ", "a.", "<a", "&#", "http://", "@a.", "--", "a1")
METACHARS = set("\\^$.|?*+()[]{}")


def _walk(value: Any, depth: int = 0) -> Iterator[Any]:
    if isinstance(value, PATTERN_TYPES):
        yield value
    elif depth < 2 and isinstance(value, (tuple, list, set, frozenset)):
        for v in value:
            yield from _walk(v, depth + 1)
    elif depth < 2 and isinstance(value, dict):
        for v in value.values():
            yield from _walk(v, depth + 1)


def package_patterns() -> dict[str, Any]:
    """``{"module.NAME": pattern}`` for every compiled pattern reachable from a module's globals."""
    found: dict[str, Any] = {}
    seen: set[tuple[str, str, int]] = set()
    for info in pkgutil.walk_packages(corpusclean.__path__, "corpusclean."):
        if info.name.endswith(".__main__"):
            continue
        try:
            mod = importlib.import_module(info.name)
        except ImportError:  # a module behind an optional extra that is not installed
            continue
        spaces = [(info.name, vars(mod))]
        spaces += [(f"{info.name}.{k}", vars(v)) for k, v in vars(mod).items()
                   if isinstance(v, type) and v.__module__ == info.name]
        for where, space in spaces:
            for name, value in list(space.items()):
                for pat in _walk(value):
                    key = (type(pat).__module__, pat.pattern if isinstance(pat.pattern, str) else repr(pat.pattern), pat.flags)
                    if key not in seen:
                        seen.add(key)
                        found[f"{where}.{name}"] = pat
    return found


def literal_units(source: str) -> list[str]:
    """Characters and two-character chunks that appear literally in a pattern's source."""
    chars: list[str] = []
    i = 0
    while i < len(source):
        ch = source[i]
        if ch == "\\" and i + 1 < len(source):
            nxt = source[i + 1]
            if not nxt.isalnum():
                chars.append(nxt)
            i += 2
            continue
        if ch not in METACHARS and ch.isprintable():
            chars.append(ch)
        i += 1
    units = list(dict.fromkeys(chars))[:8]
    pairs = [a + b for a, b in zip(chars, chars[1:], strict=False) if a != b]
    return units + list(dict.fromkeys(pairs))[:4]


def adversarial(unit: str, n: int) -> list[str]:
    """A run of ``unit`` that fails at its very end, and one broken in the middle."""
    body = (unit * (n // len(unit) + 1))[:n]
    return [body[:-1] + "\x00", body[: n // 2] + "!" + body[n // 2 + 1:]]


def run_all(pattern: Any, text: str | bytes, limit: float = CALL_LIMIT) -> float:
    """CPU seconds of this process for ``search`` + ``findall`` of ``pattern`` over ``text``
    (CPU time, not wall time: other jobs on a shared machine do not count)."""
    if isinstance(pattern.pattern, bytes):  # a bytes pattern reads the text's UTF-8
        text = text.encode("utf-8", "surrogatepass")
    t0 = time.process_time()
    kw = {} if isinstance(pattern, re.Pattern) else {"timeout": limit}
    with time_budget(limit):
        pattern.search(text, **kw)
        pattern.findall(text, **kw)
    return time.process_time() - t0


def best_of(pattern: Any, text: str, tries: int, limit: float) -> float:
    return min(run_all(pattern, text, limit) for _ in range(tries))


def superlinear_inputs(pattern: Any, limit: float = CALL_LIMIT) -> list[tuple[str, float, float]]:
    """Inputs on which ``pattern`` is not linear: ``(input head, t10k, t100k)``.

    Raises ``TimeoutError`` or ``BudgetExceeded`` when one call takes over ``limit`` seconds.
    """
    source = pattern.pattern
    if isinstance(source, bytes):
        source = source.decode("latin-1")
    units = list(dict.fromkeys(literal_units(source) + list(GENERIC_UNITS)))
    timed: list[tuple[float, str, int]] = []
    for unit in units:
        for k, text in enumerate(adversarial(unit, SHORT)):
            seconds = run_all(pattern, text, limit)
            timed.append((seconds, unit, k))
            if seconds > SUSPECT:
                break
        if timed and max(timed)[0] > SUSPECT:
            break
    timed.sort(reverse=True)
    bad = []
    for _, unit, k in timed[:PROBES]:
        for tries in (3, 7):  # a second, longer measurement before calling it superlinear
            t_short = best_of(pattern, adversarial(unit, SHORT)[k], tries, limit)
            t_long = best_of(pattern, adversarial(unit, LONG)[k], tries - 1, limit)
            slow = t_long > NOISE_FLOOR and t_long > MAX_RATIO * max(t_short, NOISE_FLOOR / MAX_RATIO)
            if not slow:
                break
        if slow:
            bad.append((repr(adversarial(unit, 12)[k]), t_short, t_long))
    return bad


PATTERNS = package_patterns()


def test_the_walk_finds_the_package_patterns() -> None:
    assert PATTERNS, "no compiled pattern found in corpusclean: the walk is broken"
    assert any(name.startswith("corpusclean.filters.encoding.") for name in PATTERNS)


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_pattern_is_linear(name: str) -> None:
    pattern = PATTERNS[name]
    try:
        bad = superlinear_inputs(pattern)
    except (TimeoutError, BudgetExceeded):
        pytest.fail(f"{name} = {pattern.pattern!r} took over {CALL_LIMIT} s on one adversarial line")
    assert not bad, f"{name} = {pattern.pattern!r} grows faster than linear: {bad}"


@pytest.mark.parametrize(
    "pattern",
    [re.compile(r"\s+$"), regex.compile(r"[a-z]+\d$"), re.compile(r"(a+)+$")],
    ids=["re-trailing-space", "regex-letters-then-digit", "re-nested-plus"],
)
def test_the_check_catches_slow_patterns(pattern: Any) -> None:
    try:
        bad = superlinear_inputs(pattern, limit=1.0)
    except (TimeoutError, BudgetExceeded):
        return
    assert bad
