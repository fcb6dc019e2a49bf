# ruff: noqa: RUF001  (CJK text and punctuation are meant)
import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from corpusclean.document import Document
from corpusclean.filters import BUILTINS, DEFAULT_STEPS
from corpusclean.filters import layout
from corpusclean.filters.encoding import Normalize
from corpusclean.filters.layout import (
    CONTEXT_FEATURES,
    FEATURES,
    REASON,
    LayoutBoilerplate,
    document_features,
    line_shape,
    load_model,
)
from corpusclean.pipeline import Pipeline, Step

ROOT = Path(__file__).resolve().parents[2]
# The benchmark's dev split, beside the repository (or beside the folder of its worktrees).
BENCH = next((p for p in (ROOT.parent / "shared" / "bench" / "dev",
                          ROOT.parents[1] / "shared" / "bench" / "dev") if p.is_dir()),
             ROOT.parent / "shared" / "bench" / "dev")

FILTER = LayoutBoilerplate()

PARAS = [
    "The city council met on Tuesday evening to discuss the new budget for the coming year, "
    "which includes more money for schools, libraries and the repair of several old bridges.",
    "Several residents spoke during the public session. Most of them asked the council to keep "
    "the swimming pool open during the summer, and some asked for longer opening hours.",
    "The mayor said that the final decision would be taken next month, after the finance "
    "committee has looked at the numbers again and talked to the regional government.",
    "Local businesses welcomed the plan to renovate the market square, although some owners "
    "worry that the construction work could keep customers away for several months.",
]
NAV_TOP = ["Home", "News", "Sport", "Business", "Culture", "Weather", "Contact", "Log in"]
NAV_BOTTOM = [
    "Related articles",
    "Privacy policy",
    "Terms of use",
    "Cookie settings",
    "Follow us",
    "Facebook",
    "Twitter",
    "© 2024 Example Media",
]


def kept_texts(lines: list[str]) -> list[str]:
    dec = FILTER(Document.from_text("\n".join(lines)))
    if dec.action == "keep":
        return [ln for ln in lines if ln.strip()]
    return [ln.text for ln in dec.doc.lines if ln.text.strip()]


def test_nav_runs_at_the_edges_go_and_the_article_stays():
    lines = [*NAV_TOP, "Council debates the budget for next year", *PARAS, *NAV_BOTTOM]
    kept = kept_texts(lines)
    for p in PARAS:
        assert p in kept
    removed_nav = [n for n in NAV_TOP + NAV_BOTTOM if n not in kept]
    assert len(removed_nav) >= len(NAV_TOP + NAV_BOTTOM) - 2


def test_removals_carry_the_reason_and_evidence():
    dec = FILTER(Document.from_text("\n".join(NAV_TOP + PARAS + NAV_BOTTOM)))
    assert dec.action == "rewrite"
    assert {r.reason for r in dec.removed} == {REASON}
    assert all(r.detail for r in dec.removed)


def test_pages_read_from_html_are_left_to_the_dom_filter():
    text = "\n".join(NAV_TOP + PARAS + NAV_BOTTOM)
    html_doc = Document.from_text(text, meta={"dom": {"schema": 1}})
    assert FILTER(html_doc).action == "keep"
    assert LayoutBoilerplate(skip_html=False)(html_doc).action == "rewrite"


@pytest.mark.parametrize(
    "inside",
    [
        ["Why the pool matters"],  # a heading between paragraphs
        ["Opening hours", "Cost of repairs"],  # two headings
        ["- more money for schools", "- longer library hours", "- two new bridges"],  # list items
        ["1. Schools", "2. Libraries", "3. Bridges"],  # numbered list
        ["\u201cWe cannot wait any longer,\u201d she said."],  # a short quote
    ],
    ids=["heading", "two-headings", "bullets", "numbered", "quote"],
)
def test_short_lines_inside_an_article_stay(inside):
    lines = NAV_TOP + PARAS[:2] + inside + PARAS[2:] + NAV_BOTTOM
    kept = kept_texts(lines)
    for line in inside + PARAS:
        assert line in kept


def test_cjk_article():
    paras = [
        "市议会星期二晚上召开会议，讨论明年的新预算，其中包括为学校、图书馆以及几座旧桥的维修增加资金。",
        "几位居民在公开会议上发言。他们大多要求议会在夏天保持游泳池开放，也有人要求延长开放时间。",
        "市长表示，最终决定将在下个月作出，届时财政委员会将再次审查这些数字，并与地区政府进行沟通。",
        "当地商家对翻修市场广场的计划表示欢迎，但一些店主担心施工可能会让顾客在几个月内不愿前来。",
    ]
    nav = ["首页", "新闻", "体育", "财经", "文化", "天气", "联系我们", "登录"]
    foot = ["相关文章", "隐私政策", "使用条款", "关注我们", "微博", "微信", "© 2024 示例传媒"]
    kept = kept_texts([*nav, "市议会讨论明年预算", *paras, *foot])
    for p in paras:
        assert p in kept
    assert len([n for n in nav + foot if n not in kept]) >= len(nav + foot) - 3


def test_clean_article_is_kept_whole():
    lines = ["Council debates the budget", *PARAS[:2], "What happens next", *PARAS[2:]]
    assert kept_texts(lines) == lines


def test_seed_content_lines_are_never_removed():
    pipe = Pipeline([Step("encoding.normalize"), Step("boilerplate.layout")])
    gold = [json.loads(line) for line in (ROOT / "seeds" / "gold.jsonl").open(encoding="utf-8")]
    for rec in gold:
        text = (ROOT / "seeds" / rec["file"]).read_text(encoding="utf-8")
        res = pipe.run(Document.from_text(text, id=rec["file"]))
        removed = {r.line for r in res.doc.removals}
        assert not removed & set(rec["content_lines"]), rec["file"]


def test_registered_and_in_the_default_pipeline():
    info = {i.name: i for i in BUILTINS}["boilerplate.layout"]
    assert info.reasons == frozenset({REASON})
    assert DEFAULT_STEPS.index("boilerplate.layout") > DEFAULT_STEPS.index("encoding.normalize")


def test_model_names_every_feature_it_uses():
    model = load_model()
    assert set(model.pass1.names) <= set(FEATURES)
    assert model.pass2 is None or set(model.pass2.names) <= set(FEATURES) | set(CONTEXT_FEATURES)
    for trees in (model.pass1, model.pass2):
        if trees is not None:
            assert all(max(f) < len(trees.names) for f, _, _ in trees.trees)


def test_extra_features_are_accepted_and_unknown_ones_ignored():
    texts = NAV_TOP + PARAS
    rows = document_features(texts, extra=[{"phrase.cookie": 1.0}] * len(texts))
    assert all(r["phrase.cookie"] == 1.0 for r in rows)
    model = load_model()
    plain = model.score_rows(document_features(texts))
    assert model.score_rows(rows) == plain


@pytest.mark.parametrize(
    ("line", "tokens", "terminal"),
    [
        ("Home | News | Sport", 3, False),
        ("It rained.", 2, True),
        ("\u4eca\u5929\u4e0b\u96e8\u3002", 4, True),
        ("\u201cWe will.\u201d", 2, True),
        ("", 0, False),
    ],
)
def test_line_shape(line, tokens, terminal):
    s = line_shape(line)
    assert (s.tokens, s.end_terminal) == (tokens, terminal)


# --- properties --------------------------------------------------------------------------------

words = st.sampled_from(
    [
        "the",
        "council",
        "Home",
        "News",
        "|",
        "2024",
        "said",
        "budget",
        "»",
        "\u65b0\u95fb",
        "schools.",
        "Login",
        "and",
        "bridges,",
        "\u00a9",
        "x",
    ]
)
line = st.lists(words, min_size=0, max_size=40).map(" ".join)
docs = st.lists(st.one_of(line, st.sampled_from(PARAS + NAV_TOP + [""])), min_size=0, max_size=40)


@given(docs)
def test_removal_only_idempotent_and_deterministic(lines):
    doc = Normalize()(Document.from_text("\n".join(lines)))
    doc = doc.doc if doc.action == "rewrite" else Document.from_text("\n".join(lines))
    first = FILTER(doc)
    assert first.action in ("keep", "rewrite")
    out = doc if first.action == "keep" else first.doc
    # Removal only: every kept line is an input line, unchanged, in order.
    src = {ln.no: ln.text for ln in doc.lines}
    assert all(src[ln.no] == ln.text for ln in out.lines)
    assert [ln.no for ln in out.lines] == sorted(ln.no for ln in out.lines)
    assert len(out.lines) + len(first.removed) == len(doc.lines)
    # Deterministic.
    assert FILTER(doc) == first
    # Idempotent: on its own output (as written and read back) nothing more goes.
    again = FILTER(Document.from_text(out.text))
    assert again.action == "keep"


@given(docs, st.lists(st.booleans(), max_size=40))
def test_page_context_removes_only_present_lines_and_ends_at_a_fixpoint(lines, drop):
    # Earlier steps removed some lines (recorded in doc.removals): the filter reads them as part
    # of the page but removes only present lines, and what it leaves is a fixpoint on its own.
    from corpusclean.decision import remove_lines

    doc = Document.from_text("\n".join(lines))
    gone = {i: "boilerplate.navigation" for i, d in enumerate(drop[: len(doc.lines)]) if d}
    earlier = remove_lines(doc, gone)
    if earlier.doc is not None:
        doc = earlier.doc.evolve(removals=earlier.removed)
    dec = FILTER(doc)
    present = {ln.no for ln in doc.lines}
    assert all(r.line in present for r in dec.removed)
    out = doc if dec.action == "keep" else dec.doc
    assert FILTER(Document.from_text(out.text)).action == "keep"
    if not doc.removals:  # nothing removed before: the page is what is present
        assert dec == layout.LayoutBoilerplate(page_context=False)(doc)


@pytest.mark.skipif(not BENCH.is_dir(), reason="benchmark data not beside the repository")
def test_page_context_reads_the_lines_earlier_steps_removed():
    # On real pages after the default pipeline's earlier steps, the filter decides differently
    # with the removed lines in view, and removes only lines still present.
    steps = list(DEFAULT_STEPS)
    before = Pipeline([Step(n) for n in steps[: steps.index("boilerplate.layout")]])
    names = ["wcxb-2893", "wcxb-0349", "h2t-hr-news-vecernji-hoce-li-nam-srbi-oprostiti-sto-su-nas-tukli-1422041"]
    differ = 0
    for name in names:
        text = (BENCH / f"{name}.dump.txt").read_text(encoding="utf-8")
        doc = before.run(Document.from_text(text)).doc
        assert doc.removals
        with_ctx = FILTER(doc)
        without = layout.LayoutBoilerplate(page_context=False)(doc)
        present = {ln.no for ln in doc.lines}
        assert {r.line for r in with_ctx.removed} <= present
        differ += with_ctx.removed != without.removed
    assert differ


@pytest.mark.skipif(not BENCH.is_dir(), reason="benchmark data not beside the repository")
def test_beats_keeping_everything_on_a_sample_of_bench_pages():
    recs = [json.loads(x) for x in (BENCH / "manifest.jsonl").open(encoding="utf-8")]
    recs = [r for r in recs if r["gold"] == "full"][::25]
    right = total = 0
    content_right = content_total = 0
    for rec in recs:
        rows = [
            json.loads(x) for x in (BENCH / f"{rec['name']}.labels.jsonl").open(encoding="utf-8")
        ]
        dec = FILTER(Document.from_text("\n".join(r["text"] for r in rows)))
        gone = {r.line - 1 for r in dec.removed}
        if dec.action == "rewrite":  # idempotent on real pages too
            assert FILTER(Document.from_text(dec.doc.text)).action == "keep"
        for i, r in enumerate(rows):
            if r["label"] in ("content", "boilerplate") and r["text"].strip():
                total += 1
                right += (i in gone) == (r["label"] == "boilerplate")
                if r["label"] == "content":
                    content_total += 1
                    content_right += i not in gone
    assert right / total > 0.8
    assert content_right / content_total > 0.75


# -- the vectorized path equals the reference to the last bit ----------------------------------


def reference_counts(text: str) -> tuple[int, int, int, int, str, int]:
    """line_shape's character counts the plain way: one str method call per character."""
    text = text.strip()
    letters = digits = upper = punct = 0
    for ch in text:
        if ch.isalpha():
            letters += 1
            upper += ch.isupper()
        elif ch.isdigit():
            digits += 1
        elif not ch.isspace():
            punct += 1
    first = next((ch for ch in text if ch.isalpha() or ch.isdigit()), "")
    sentences = sum(
        1 for i, ch in enumerate(text)
        if ch in ".!?…。！？।॥۔؟።՝" and (i + 1 == len(text) or text[i + 1] == " ")
    )
    return letters, digits, upper, punct, first, sentences


SHAPE_CASES = [
    "Ⓐbc ²³ ½ done.", "İstanbul ǅ ﬁ ß STRASSE", "\u0301a", "x.\u00a0y", "a. b! c?", "…",
    "www.example.com/x", "mail me: a.b@c.org", "visit example.de today", "12:30 2024-01-05",
    "新闻 2024年3月5日。", "ภาษาไทย", "- item one", "(3) third", "",
    "Ǆemal ǅ ǆ and The Of", "a,b;c，d、e；f،", "ﬁne ΣΑΣ ß",
]


@pytest.mark.parametrize("text", SHAPE_CASES)
def test_line_shape_counts_equal_the_per_character_reference(text):
    check_shape_counts(text)


@given(st.text(max_size=80))
def test_line_shape_counts_equal_the_reference_on_any_text(text):
    check_shape_counts(text)


def check_shape_counts(text: str) -> None:
    s = line_shape(text)
    letters, digits, upper, punct, first, sentences = reference_counts(text)
    chars = len(text.strip())
    assert s.digit_share == (digits / chars if chars else 0.0)
    assert s.upper_share == (upper / letters if letters else 0.0)
    assert s.punct_share == (punct / chars if chars else 0.0)
    assert s.sentences == sentences
    assert s.starts_lower == (bool(text.strip()) and (
        first.islower() or text.strip()[0] in ",;，、；،" or text.strip()[0] in ".)]"))
    assert s.link_like == (layout._URL_RE.search(text.strip()) is not None)
    words = layout._WORD_RE.findall(text.strip())
    cased = [w for w in words if w[0].isupper() or w[0].islower()]
    title = sum(1 for w in cased if w[0].isupper())
    func = sum(1 for w in words if w.casefold() in layout.FUNCTION_WORDS)
    commas = sum(1 for ch in text.strip() if ch in ",;，、；،")
    assert s.titlecase_share == (title / len(cased) if cased else 0.0)
    assert s.function_share == (func / len(words) if words else 0.0)
    assert s.comma_rate == (commas / s.tokens if s.tokens else 0.0)


def reference_scores(texts: list[str]) -> list[float]:
    return load_model().score_rows(document_features(texts))


def assert_columns_equal_reference(texts: list[str], live: list[int]) -> None:
    columns = layout.LineColumns(texts)
    cols = columns.features(np.array(live, dtype=np.int64))
    rows = document_features([texts[i] for i in live])
    for name in FEATURES:
        assert cols[name].tolist() == [r[name] for r in rows], name
    scores = layout.score_columns(load_model(), cols, len(live)).tolist()
    assert scores == reference_scores([texts[i] for i in live])


@given(docs, st.randoms(use_true_random=False))
def test_columns_and_scores_equal_the_reference(lines, rnd):
    texts = [ln for ln in lines if ln.strip()]
    if not texts:
        return
    assert_columns_equal_reference(texts, list(range(len(texts))))
    live = sorted(rnd.sample(range(len(texts)), rnd.randint(1, len(texts))))
    assert_columns_equal_reference(texts, live)


@pytest.mark.skipif(not BENCH.is_dir(), reason="benchmark data not beside the repository")
def test_columns_and_scores_equal_the_reference_on_bench_pages():
    recs = [json.loads(x) for x in (BENCH / "manifest.jsonl").open(encoding="utf-8")][::40]
    for rec in recs:
        rows = [json.loads(x) for x in (BENCH / f"{rec['name']}.labels.jsonl").open(encoding="utf-8")]
        texts = [r["text"] for r in rows if r["text"].strip()]
        if texts:
            assert_columns_equal_reference(texts, list(range(len(texts))))
            assert_columns_equal_reference(texts, list(range(0, len(texts), 3)))


def test_tree_arrays_margins_equal_the_tree_walk():
    model = load_model()
    texts = [*NAV_TOP, *PARAS, *NAV_BOTTOM]
    rows = document_features(texts)
    cols = {name: np.array([r[name] for r in rows]) for name in FEATURES}
    margins = layout.TreeArrays(model.pass1).margins(cols, len(rows)).tolist()
    assert margins == [model.pass1.margin(r) for r in rows]


