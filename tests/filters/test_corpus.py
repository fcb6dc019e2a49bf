import json
import pickle
import random
from functools import reduce

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corpusclean import Document, Pipeline, Step
from corpusclean.cli import main
from corpusclean.filters.corpus import Dedup, TemplateLines, fold_line, site_of
from corpusclean.runner import clean_directory

ARTICLE = (
    "The city council approved the new budget on Tuesday after a long debate about schools.\n"
    "Teachers had asked for more money for classrooms, books and repairs to old buildings.\n"
    "The mayor said the plan keeps taxes flat while adding two hundred places in nurseries.\n"
    "Opposition members argued that the road repair fund was cut too deeply this year.\n"
    "A final vote on the transport plan is expected next month, officials said afterwards."
)
OTHER = (
    "Heavy rain flooded several villages in the valley overnight, cutting power to homes.\n"
    "Rescue teams used boats to reach families trapped on the upper floors of houses.\n"
    "Forecasters expect the river to peak on Thursday before the water slowly recedes.\n"
    "Farmers fear that the harvest in the lower fields is lost for this season entirely."
)


NAMES = [
    "Ada",
    "Bram",
    "Cleo",
    "Dara",
    "Emil",
    "Fay",
    "Gus",
    "Hana",
    "Ivo",
    "Jun",
    "Kai",
    "Lea",
    "Mo",
    "Nia",
    "Oto",
    "Pia",
    "Quin",
    "Rui",
    "Sol",
    "Tea",
]


def doc(text, id, *, url=None, source=None, line=0):
    meta = {"source": source or f"{id}.txt"}
    if line:
        meta["line"] = line
    if url:
        meta["input_metadata"] = {"url": url}
    return Document.from_text(text, id=id, meta=meta)


def run(step, docs, shards=1):
    """Collect over ``shards`` round-robin shards, merge, bind, apply to every document."""
    parts = [step.empty() for _ in range(shards)]
    for i, d in enumerate(docs):
        parts[i % shards] = step.collect(parts[i % shards], d)
    filt = step.bind(step.merge(parts))
    return [filt(d) for d in docs]


def removed(decision):
    return [r.text for r in decision.removed]


# -- template lines ---------------------------------------------------------------------------

SITE_CASES = [
    # label, per-document bodies (lines), step parameters, expected removed texts per document
    (
        "menu in every page is removed from all of them",
        [
            ["Home", "Unique story one about the harbour."],
            ["Home", "Second unique story on trains."],
            ["Home", "Third story covers the local market."],
        ],
        {},
        [["Home"], ["Home"], ["Home"]],
    ),
    (
        "a line in two of three pages stays (min_docs=3)",
        [
            ["Subscribe", "Story one about the harbour."],
            ["Subscribe", "Story two on trains."],
            ["Story three covers the market."],
        ],
        {},
        [[], [], []],
    ),
    (
        "digits, case and spacing are folded",
        [
            ["© 2023 Example  News", "Story one."],
            ["© 2024 example news", "Story two."],
            ["©  1999 EXAMPLE NEWS", "Story three."],
        ],
        {},
        [["© 2023 Example  News"], ["© 2024 example news"], ["©  1999 EXAMPLE NEWS"]],
    ),
    (
        "a line of digits only is no template line",
        [["2024", "Story one."], ["2024", "Story two."], ["2024", "Story three."]],
        {},
        [[], [], []],
    ),
    (
        "long prose repeated in three pages stays",
        [
            [" ".join(["word"] * 35), "Story one."],
            [" ".join(["word"] * 35), "Story two."],
            [" ".join(["word"] * 35), "Story three."],
        ],
        {},
        [[], [], []],
    ),
    (
        "multilingual menus are removed",
        [
            ["Startseite", "ホーム", "الرئيسية", "Eine Geschichte."],
            ["Startseite", "ホーム", "الرئيسية", "Zweite Geschichte."],
            ["Startseite", "ホーム", "الرئيسية", "Dritte Geschichte."],
        ],
        {},
        [["Startseite", "ホーム", "الرئيسية"]] * 3,
    ),
    (
        "unique headings, quotes and list items stay",
        [
            ["Introduction", "“We will build it,” she said.", "- two eggs"],
            ["Methods", "Another line."],
            ["Results", "A third line."],
        ],
        {},
        [[], [], []],
    ),
    (
        "min_docs=2 removes a line seen twice",
        [["Subscribe", "Story one."], ["Subscribe", "Story two."], ["Story three."]],
        {"min_docs": 2},
        [["Subscribe"], ["Subscribe"], []],
    ),
]


@pytest.mark.parametrize(
    ("label", "bodies", "params", "expected"), SITE_CASES, ids=[c[0] for c in SITE_CASES]
)
def test_template_line_cases(label, bodies, params, expected):
    docs = [
        doc("\n".join(b), f"p{i}", url=f"https://www.example.com/{i}") for i, b in enumerate(bodies)
    ]
    decisions = run(TemplateLines(**params), docs)
    assert [removed(d) for d in decisions] == expected
    for d in decisions:
        for r in d.removed:
            assert r.reason == "corpus.template_line"
            assert r.detail.startswith("seen in ") and r.detail.endswith("documents of example.com")


def test_template_lines_are_counted_per_site():
    docs = [
        doc(f"Login\nStory {NAMES[i]} is unique here.", f"a{i}", url=f"http://a.org/{i}")
        for i in range(2)
    ]
    docs += [
        doc(f"Login\nStory {NAMES[i]} is different there.", f"b{i}", url=f"http://b.org/{i}")
        for i in range(2)
    ]
    assert all(d.action == "keep" for d in run(TemplateLines(), docs))
    assert all(removed(d) == ["Login"] for d in run(TemplateLines(site="corpus"), docs))


def test_long_line_needs_long_min_docs():
    prose = " ".join(f"w{i}" for i in range(40))
    docs = [doc(f"{prose}\nStory {NAMES[i]}.", f"p{i}", url=f"http://a.org/{i}") for i in range(10)]
    assert all(removed(d) == [prose] for d in run(TemplateLines(), docs))
    assert all(d.action == "keep" for d in run(TemplateLines(long_min_docs=11), docs))


def test_min_share_of_the_site():
    docs = [
        doc(("Sidebar\n" if i < 3 else "") + f"Story {NAMES[i]}.", f"p{i}", url=f"http://a.org/{i}")
        for i in range(20)
    ]
    assert sum(d.action != "keep" for d in run(TemplateLines(), docs)) == 0  # 3 < 0.2 * 20
    assert sum(d.action != "keep" for d in run(TemplateLines(min_share=0.1), docs)) == 3


@pytest.mark.parametrize(
    ("meta", "kwargs", "expected"),
    [
        ({"source": "crawl/a/p.txt"}, {}, "crawl/a/"),
        ({"source": "p.txt"}, {}, "./"),
        (
            {"source": "x.jsonl", "input_metadata": {"url": "https://News.Example.org/a"}},
            {},
            "news.example.org",
        ),
        ({"source": "x.jsonl", "url": "http://www.a.org"}, {}, "a.org"),
        (
            {"source": "x.jsonl", "input_metadata": {"meta": {"link": "http://b.org/"}}},
            {"url_field": "meta.link"},
            "b.org",
        ),
        ({"source": "d/x.jsonl", "input_metadata": {"url": "not a url"}}, {}, "d/"),
        (
            {"source": "d/x.jsonl", "input_metadata": {"url": "http://c.org"}},
            {"site": "directory"},
            "d/",
        ),
        ({"source": "d/x.jsonl"}, {"site": "url"}, ""),
    ],
)
def test_site_of(meta, kwargs, expected):
    assert site_of(Document.from_text("x", meta=meta), **kwargs) == expected


def test_template_sketch_mode_gives_the_same_removals_on_a_light_load():
    rng = random.Random(3)
    words = [
        "river",
        "town",
        "market",
        "bridge",
        "school",
        "winter",
        "garden",
        "train",
        "harbour",
        "festival",
    ]
    docs = [
        doc(
            "\n".join(
                ["Menu", "Contact us", *(" ".join(rng.choices(words, k=6)) for _ in range(20))]
            ),
            f"p{i}",
            url=f"http://a.org/{i}",
        )
        for i in range(60)
    ]
    step = TemplateLines(memory_mb=0.03)  # the exact table holds 983 keys: it overflows
    state = reduce(step.collect, docs, step.empty())
    merged = step.merge([state])
    assert not merged.exact and 0 < merged.load < 1
    assert [removed(d) for d in run(step, docs)] == [removed(d) for d in run(TemplateLines(), docs)]
    assert "about" in run(step, docs)[0].removed[0].detail


def test_bad_template_parameters_are_refused():
    with pytest.raises(ValueError, match="site"):
        TemplateLines(site="host")
    with pytest.raises(ValueError, match="at least 2"):
        TemplateLines(min_docs=1)


def test_fold_line():
    assert (
        fold_line("Posted\u00a0on 12.03.2024")
        == fold_line("posted on 1.1.1999")
        == "posted on 0.0.0"
    )


# -- duplicates -------------------------------------------------------------------------------


def edit(text, share, seed=0):
    rng = random.Random(seed)
    words = text.split(" ")
    for j in rng.sample(range(len(words)), round(share * len(words))):
        words[j] = rng.choice(["alpha", "beta", "gamma", "delta", "omega"])
    return " ".join(words)


def verdicts(decisions, docs):
    return {
        d.id: (dec.reason, dec.doc.annotations.get("duplicate_of") if dec.doc else None)
        for d, dec in zip(docs, decisions, strict=True)
        if dec.action == "drop"
    }


DEDUP_CASES = [
    (
        "exact copy with case and spacing changed",
        [ARTICLE, ARTICLE.upper().replace("\n", "\n\n  ")],
        {"d1": ("dedup.exact", "d0")},
    ),
    (
        "five percent of the words changed",
        [ARTICLE, edit(ARTICLE, 0.05)],
        {"d1": ("dedup.near", "d0")},
    ),
    (
        "ten percent of the words changed",
        [ARTICLE, edit(ARTICLE, 0.10, seed=2)],
        {"d1": ("dedup.near", "d0")},
    ),
    (
        "lines reordered",
        [ARTICLE, "\n".join(reversed(ARTICLE.split("\n")))],
        {"d1": ("dedup.near", "d0")},
    ),
    ("different articles stay", [ARTICLE, OTHER], {}),
    ("half the words changed is no duplicate", [ARTICLE, edit(ARTICLE, 0.5)], {}),
    (
        "short documents are only exact duplicates",
        ["Page not found", "Page not found.", "page  NOT found"],
        {"d2": ("dedup.exact", "d0")},
    ),
    ("empty documents are left alone", ["", "", ARTICLE], {}),
    (
        "unspaced scripts are shingled by characters",
        [
            "東京都は十日、新しい公園の計画を発表した。公園は二年後に開く予定で、市民の意見を集めている。",
            "東京都は十日、新しい公園の計画を発表した。公園は三年後に開く予定で、市民の意見を集めている。",
        ],
        {"d1": ("dedup.near", "d0")},
    ),
]


@pytest.mark.parametrize(
    ("label", "texts", "expected"), DEDUP_CASES, ids=[c[0] for c in DEDUP_CASES]
)
def test_dedup_cases(label, texts, expected):
    docs = [doc(t, f"d{i}") for i, t in enumerate(texts)]
    assert verdicts(run(Dedup(), docs), docs) == expected


def test_the_first_document_in_order_is_kept_whatever_the_collect_order():
    docs = [
        doc(ARTICLE, "x", source="b.jsonl", line=1),
        doc(ARTICLE, "y", source="a.jsonl", line=7),
    ]
    step = Dedup()
    filt = step.bind(step.merge([reduce(step.collect, reversed(docs), step.empty())]))
    assert filt(docs[0]).reason == "dedup.exact"
    assert filt(docs[0]).doc.annotations["duplicate_of"] == "y"
    assert filt(docs[1]).action == "keep"


def test_a_chain_of_near_copies_collapses_to_the_first():
    a = ARTICLE
    b = edit(a, 0.08, seed=5)
    c = edit(b, 0.08, seed=6)
    docs = [doc(t, f"d{i}") for i, t in enumerate([c, b, a])]  # d0 comes first in doc order
    out = verdicts(run(Dedup(), docs), docs)
    assert set(out) == {"d1", "d2"} and {v[1] for v in out.values()} == {"d0"}


def test_near_duplicate_records_its_similarity():
    docs = [doc(ARTICLE, "d0"), doc(edit(ARTICLE, 0.05), "d1")]
    for verify in (False, True):
        dec = run(Dedup(verify=verify), docs)[1]
        sim = dec.doc.annotations["duplicate_similarity"]
        assert 0.3 <= sim < 1.0


def test_dedup_parameters_are_checked():
    with pytest.raises(ValueError, match="divide"):
        Dedup(num_perm=128, bands=60)
    assert Dedup().rows == 2 and Dedup().candidate_probability(0.1) < Dedup().candidate_probability(
        0.3
    )


def test_seeds_on_the_same_story_are_not_merged(seeds_dir):
    docs = [doc(p.read_text(encoding="utf-8"), p.name) for p in sorted(seeds_dir.glob("*.txt"))]
    assert len(docs) == 5
    assert all(d.action == "keep" for d in run(Dedup(), docs))
    assert all(d.action == "keep" for d in run(TemplateLines(), docs))


# -- properties -------------------------------------------------------------------------------

small_docs = st.lists(
    st.lists(
        st.sampled_from(["a b", "b a", "a", "menu", "x y z w v u", "A  b", "1 a", ""]),
        min_size=0,
        max_size=8,
    ),
    min_size=0,
    max_size=12,
)


def make_docs(bodies, sites=2):
    return [
        doc("\n".join(b), f"d{i:02d}", url=f"http://s{i % sites}.org/{i}", line=i + 1)
        for i, b in enumerate(bodies)
    ]


def split(docs, cuts, step):
    parts, start = [], 0
    for c in [*sorted(cuts), len(docs)]:
        parts.append(reduce(step.collect, docs[start:c], step.empty()))
        start = c
    return parts


STEPS = [
    TemplateLines(min_docs=2),
    TemplateLines(min_docs=2, memory_mb=0.001),
    Dedup(min_words=2, ngram=2),
]


@pytest.mark.parametrize("step", STEPS, ids=["template", "template-sketch", "dedup"])
@given(bodies=small_docs, cuts=st.lists(st.integers(0, 12), max_size=4), seed=st.integers(0, 99))
def test_merge_does_not_depend_on_the_split(step, bodies, cuts, seed):
    docs = make_docs(bodies)
    cuts = [min(c, len(docs)) for c in cuts]
    whole = step.merge([reduce(step.collect, docs, step.empty())])
    parts = split(docs, cuts, step)
    assert step.merge(parts) == whole
    random.Random(seed).shuffle(parts)
    assert step.merge(parts) == whole  # commutative
    if len(parts) > 1:
        assert step.merge([step.merge(parts[:1]), step.merge(parts[1:])]) == whole  # associative
    assert pickle.loads(pickle.dumps(whole)) == whole
    filt = step.bind(whole)
    again = step.bind(step.merge(parts))
    assert [filt(d) for d in docs] == [again(d) for d in docs]


@given(bodies=small_docs)
def test_template_lines_only_remove_lines(bodies):
    docs = make_docs(bodies)
    for d, dec in zip(docs, run(TemplateLines(min_docs=2), docs), strict=True):
        if dec.action == "rewrite":
            kept = list(dec.doc.lines)
            it = iter(d.lines)
            assert all(line in it for line in kept)  # a subsequence of the input
            assert len(kept) + len(dec.removed) == len(d.lines)
        else:
            assert dec.action == "keep"


@given(bodies=small_docs)
def test_dedup_keeps_one_document_of_each_text(bodies):
    docs = make_docs(bodies)
    folded = {d.id: " ".join(d.text.casefold().split()) for d in docs}
    exact = run(Dedup(near=False), docs)
    pairs = zip(docs, exact, strict=True)
    kept = [folded[d.id] for d, dec in pairs if dec.action == "keep" and folded[d.id]]
    assert sorted(kept) == sorted(set(folded.values()) - {""})
    near = run(Dedup(min_words=2, ngram=2), docs)
    kept_ids = {d.id for d, dec in zip(docs, near, strict=True) if dec.action == "keep"}
    kept_texts = [folded[i] for i in kept_ids if folded[i]]
    assert len(kept_texts) == len(set(kept_texts))
    for dec in near:
        assert dec.action in ("keep", "drop")
        if dec.action == "drop":
            assert dec.doc.annotations["duplicate_of"] in kept_ids


# -- in a pipeline, on disk, explained --------------------------------------------------------


def test_corpus_steps_in_a_pipeline():
    docs = [
        doc(f"Home\n{ARTICLE}", "a", url="http://n.org/1"),
        doc(f"Home\n{OTHER}", "b", url="http://n.org/2"),
        doc(f"Home\n{ARTICLE}", "c", url="http://n.org/3"),
    ]
    pipe = Pipeline([Step("corpus.template_lines"), Step("corpus.dedup")])
    results = pipe.run_corpus(docs)
    assert [r.dropped for r in results] == [None, None, "dedup.exact"]
    assert results[2].doc.annotations["duplicate_of"] == "a"
    assert results[0].doc.removals[0].reason == "corpus.template_line"
    assert results[0].doc.removals[0].step == "corpus_template_lines"


# Site lines that no phrase family knows: only the corpus pass can find them.
HEADER = "The Riverside Gazette"
FOOTER = "Printed in the valley since 1921 by the Gazette press"


def _write_corpus(root):
    site = root / "site"
    site.mkdir(parents=True)
    stories = [ARTICLE, OTHER, "A quiet week at the library ended with a reading by local poets."]
    for i, story in enumerate(stories):
        (site / f"p{i}.txt").write_text(
            f"{HEADER}\n{story}\n{FOOTER}\n", encoding="utf-8"
        )
    (site / "p3.txt").write_text(
        f"{HEADER}\n{ARTICLE.lower()}\n{FOOTER}\n", encoding="utf-8"
    )
    return site


def test_clean_with_corpus_steps(tmp_path):
    _write_corpus(tmp_path / "in")
    summary = clean_directory(tmp_path / "in", tmp_path / "out", Pipeline.default(corpus=True))
    docs = [json.loads(x) for x in (tmp_path / "out" / "documents.jsonl").read_text().splitlines()]
    dropped = [json.loads(x) for x in (tmp_path / "out" / "dropped.jsonl").read_text().splitlines()]
    assert [d["id"] for d in docs] == ["site/p0.txt", "site/p1.txt", "site/p2.txt"]
    assert all(HEADER not in d["text"] and FOOTER not in d["text"] for d in docs)
    assert dropped[0]["metadata"]["dropped"]["reason"] == "dedup.exact"
    assert dropped[0]["metadata"]["duplicate_of"] == "site/p0.txt"
    assert (
        summary.stats.counts["removed_lines.corpus.template_line"] == 8
    )  # p3 too, before its drop


def test_explain_with_context(tmp_path, capsys):
    site = _write_corpus(tmp_path / "in")
    assert (
        main(["explain", str(site / "p3.txt"), "--context", str(tmp_path / "in"), "--corpus"]) == 0
    )
    out = capsys.readouterr().out
    assert out.startswith("# site/p3.txt")
    assert "document dropped: dedup.exact" in out and "duplicate of site/p0.txt" in out
    assert "corpus.template_line" in out and "seen in 4 of 4 documents of site/" in out
    assert main(["explain", str(site), "--corpus", "--only-removed"]) == 0
    assert capsys.readouterr().out.count("corpus.template_line") == 8
    assert main(["explain", str(site / "p3.txt"), "--corpus"]) == 0
    captured = capsys.readouterr()
    assert "--context" in captured.err and "dropped" not in captured.out
    assert main(["explain", str(site / "p3.txt"), "--context", str(tmp_path / "elsewhere")]) == 2


@given(texts=st.lists(st.text(max_size=200), max_size=6))
def test_arbitrary_text_never_raises(texts):
    docs = [doc(t, f"d{i}", url="http://a.org/") for i, t in enumerate(texts + texts)]
    steps = (TemplateLines(min_docs=2, min_share=0.0), Dedup(min_words=1, ngram=2),
             Dedup(verify=True))
    for step in steps:
        for dec in run(step, docs):
            assert dec.action in ("keep", "drop", "rewrite")
