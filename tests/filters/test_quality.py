# ruff: noqa: RUF001  (multilingual text: letters and punctuation of other scripts are meant)
import json
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corpusclean import Document, Pipeline, Step
from corpusclean.filters import BUILTINS, DEFAULT_STEPS
from corpusclean.filters.quality import (
    C4,
    C4_REASONS,
    FINEWEB_REASONS,
    GOPHER_REASONS,
    FineWeb,
    GopherQuality,
    Ngrams,
    dup_ngram_chars,
    ends_sentence,
    top_ngram_chars,
)
from corpusclean.pipeline import Result
from corpusclean.record import to_record

SENTENCES = [
    "The city council approved the new budget on Tuesday after a long debate.",
    "Officials said that the money would be spent on schools, roads and public transport.",
    "Several members argued that the plan did not go far enough to help small businesses.",
    "The mayor promised to review the figures again before the end of the year.",
    "Residents will be able to comment on the proposals at a public meeting next month.",
    "A local newspaper reported that the vote was closer than many people had expected.",
    "Teachers welcomed the extra funding, which they have requested for several years.",
    "Critics warned that rising costs could force the council to cut other services later.",
]
EN_ARTICLE = "\n".join(SENTENCES)

# Written without spaces between words: a whitespace word count gives a handful of "words".
ZH_ARTICLE = "\n".join([
    "深度学习是机器学习的一个重要分支，近年来发展非常迅速。",
    "研究人员利用大量数据训练神经网络，使计算机能够识别图像和声音。",
    "许多公司已经把这些技术应用到自己的产品中，例如手机上的语音助手和自动翻译。",
    "专家认为，这项技术在医疗、交通和教育等领域还有很大的潜力。",
    "不过，训练大型模型需要消耗大量电力，这也引起了人们对环境问题的关注。",
    "政府和企业正在寻找更加节能的方法，以便让技术的发展更加可持续。",
])
TH_ARTICLE = "\n".join([
    "กรุงเทพมหานครเป็นเมืองหลวงของประเทศไทยและเป็นศูนย์กลางทางเศรษฐกิจที่สำคัญ",
    "ในแต่ละปีมีนักท่องเที่ยวจากทั่วโลกเดินทางมาเยี่ยมชมวัดและพระราชวังเก่าแก่",
    "ตลาดน้ำและอาหารริมทางเป็นสิ่งที่ผู้มาเยือนหลายคนชื่นชอบเป็นพิเศษ",
    "อย่างไรก็ตาม การจราจรที่ติดขัดยังคงเป็นปัญหาใหญ่ของเมือง",
    "รัฐบาลจึงได้ลงทุนสร้างรถไฟฟ้าสายใหม่หลายสายเพื่อช่วยให้ผู้คนเดินทางได้สะดวกขึ้น",
    "นอกจากนี้ยังมีโครงการปลูกต้นไม้และสร้างสวนสาธารณะเพื่อให้เมืองน่าอยู่มากขึ้น",
])
JA_ARTICLE = "\n".join([
    "東京は日本の首都であり、世界でも有数の大都市です。",
    "毎年多くの観光客が寺や神社、美術館を訪れます。",
    "電車やバスが発達しているので、市内の移動はとても便利です。",
    "一方で、家賃が高いことや通勤電車の混雑が大きな問題になっています。",
    "市は新しい住宅を建てたり、働き方を見直したりする計画を進めています。",
])
DE_ARTICLE = "\n".join([
    "Der Stadtrat hat am Dienstag nach einer langen Debatte den neuen Haushalt beschlossen.",
    "Das Geld soll nach Angaben der Verwaltung in Schulen, Straßen und den Nahverkehr fließen.",
    "Mehrere Mitglieder kritisierten, dass der Plan den kleinen Betrieben nicht genug helfe.",
    "Der Bürgermeister versprach, die Zahlen vor dem Ende des Jahres noch einmal zu prüfen.",
    "Die Bürger können sich im nächsten Monat bei einer öffentlichen Versammlung äußern.",
    "Eine Lokalzeitung berichtete, die Abstimmung sei knapper gewesen als erwartet.",
])
# Sixty different content words, none of them a stop word.
CONTENT_WORDS = (
    "cats chase mice daily dogs bark loudly outside birds sing sweetly during spring rivers "
    "flow quickly toward distant oceans farmers harvest golden wheat under bright skies "
    "children build sandcastles near calm beaches engineers design sturdy bridges across "
    "wide valleys musicians perform lively concerts inside crowded halls painters create "
    "colorful murals upon brick walls students study ancient history using dusty books "
    "gardeners plant tulips"
).split()


def doc(text: str, **annotations) -> Document:
    d = Document.from_text(text)
    return d.annotate(**annotations) if annotations else d


def lines_of(n: int, pattern: str) -> str:
    return "\n".join(pattern.format(i=i) for i in range(n))


# -- the clean article passes every family, in every script ----------------------------------


@pytest.mark.parametrize("family", [GopherQuality, C4, FineWeb])
@pytest.mark.parametrize("text", [EN_ARTICLE, ZH_ARTICLE, TH_ARTICLE, JA_ARTICLE],
                         ids=["en", "zh", "th", "ja"])
def test_clean_article_is_kept_by_every_family(family, text):
    decision = family()(doc(text))
    assert decision.action == "keep", (decision.reason, [r.reason for r in decision.removed])


@pytest.mark.parametrize("text", [ZH_ARTICLE, TH_ARTICLE, JA_ARTICLE], ids=["zh", "th", "ja"])
def test_unspaced_article_has_enough_words_where_spaces_say_too_few(text):
    assert len(text.split()) < 50  # the rule read on spaces would drop it
    signals = GopherQuality(annotate_only=True)(doc(text)).doc.annotations["quality"]["gopher"]
    assert signals["words"] >= 50
    assert list(signals["failed"]) == []


@pytest.mark.parametrize("language", ["de", None])
def test_german_article_with_its_language_or_none_is_judged_by_the_right_stop_words(language):
    kept = GopherQuality()(doc(DE_ARTICLE, language="de"))
    assert kept.action == "keep"
    english = GopherQuality()(doc(DE_ARTICLE, language="en"))
    assert english.reason == "quality.gopher.stop_words"
    if language is None:  # no language annotation: English stop words, as Gopher
        assert GopherQuality()(doc(DE_ARTICLE)).reason == "quality.gopher.stop_words"


def test_language_without_a_stop_word_list_skips_the_stop_word_rule():
    ko = "\n".join(["서울은 한국의 수도이며 많은 사람들이 살고 있는 큰 도시입니다."] * 1
                   + [f"이 도시에는 {i}개의 새로운 공원과 박물관이 있습니다." for i in range(8)])
    out = GopherQuality(annotate_only=True)(doc(ko, language="ko")).doc
    assert "stop_words" not in out.annotations["quality"]["gopher"]


# -- gopher: one case per rule ----------------------------------------------------------------

PARAGRAPH = " ".join(SENTENCES)
GOPHER_CASES = [
    ("word_count", "Too short to be a document.", {}),
    ("word_count", EN_ARTICLE, {"max_words": 60}),
    ("mean_word_length", " ".join(f"extraordinary{i}" for i in range(60)), {}),
    ("mean_word_length", " ".join(a + b for a in "abc" for b in "abcdefghijklmnopqrst"), {}),
    ("hash_ratio", EN_ARTICLE + "\n" + " ".join(f"#tag{i}" for i in range(40)), {}),
    ("ellipsis_ratio", EN_ARTICLE + "\n" + " ".join(["wait..."] * 30), {}),
    ("bullet_lines", "\n".join("- " + s for s in SENTENCES), {}),
    ("ellipsis_lines", "\n".join(s[:-1] + "…" for s in SENTENCES), {}),
    ("alpha_words", EN_ARTICLE + "\n" + " ".join(str(i) for i in range(100)), {}),
    ("stop_words", " ".join(CONTENT_WORDS) + ".", {}),
    ("dup_paragraphs", "\n\n".join([PARAGRAPH] * 3), {}),
    ("dup_paragraph_chars", "\n\n".join([PARAGRAPH, "First short note here.",
                                         "Second short note here.", "Third short note here.",
                                         PARAGRAPH]), {}),
    ("dup_lines", EN_ARTICLE + "\n" + "\n".join(["Read more."] * 5), {}),
    ("dup_line_chars", "\n".join([PARAGRAPH, "A short note.", "Another note.",
                                  "One more note.", "The last note.", PARAGRAPH]), {}),
    ("top_ngram", lines_of(20, "Line {i} says the big data and big data and big data."), {}),
    ("dup_ngram", "\n".join(f"{a} {b}" for a, b in zip(SENTENCES, SENTENCES[1:])), {}),
]


@pytest.mark.parametrize(("rule", "text", "params"), GOPHER_CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(GOPHER_CASES)])
def test_gopher_drops_each_rule_with_its_reason(rule, text, params):
    decision = GopherQuality(**params)(doc(text))
    assert decision.action == "drop"
    assert decision.reason == f"quality.gopher.{rule}"
    assert decision.reason in GOPHER_REASONS


@pytest.mark.parametrize(("rule", "text", "params"), GOPHER_CASES[2:],
                         ids=[c[0] for c in GOPHER_CASES[2:]])
def test_gopher_rule_is_a_parameter(rule, text, params):
    # Every threshold switched to what always passes: the same text is kept.
    loose = GopherQuality(min_mean_word_length=0, max_mean_word_length=100,
                          max_symbol_word_ratio=100, max_bullet_lines=1, max_ellipsis_lines=1,
                          min_alpha_words=0, min_stop_words=0, max_dup_paragraphs=1,
                          max_dup_paragraph_chars=1, max_dup_lines=1, max_dup_line_chars=1,
                          top_ngrams=[[2, 1.0]], dup_ngrams=[])
    assert loose(doc(text)).action == "keep"


def test_gopher_annotate_only_lists_every_failed_rule_and_drops_nothing():
    text = "\n".join("- " + s[:-1] + "…" for s in SENTENCES)
    decision = GopherQuality(annotate_only=True)(doc(text))
    assert decision.action == "rewrite"
    found = decision.doc.annotations["quality"]["gopher"]
    assert list(found["failed"]) == ["quality.gopher.bullet_lines", "quality.gopher.ellipsis_lines"]
    assert found["bullet_lines"] == 1.0
    assert decision.doc.lines == doc(text).lines


def test_annotations_of_several_families_reach_the_record_under_quality():
    pipeline = Pipeline([Step("quality.gopher", annotate_only=True),
                         Step("quality.c4", annotate_only=True),
                         Step("quality.fineweb", annotate_only=True)])
    result = pipeline.run(doc("Menu\n" + EN_ARTICLE))
    record = json.loads(json.dumps(to_record(result, pipeline.fingerprint())))
    quality = record["metadata"]["quality"]
    assert set(quality) == {"gopher", "c4", "fineweb"}
    assert quality["c4"]["removable_lines"] == {"quality.c4.no_terminal_punct": 1}
    assert quality["fineweb"]["failed"] == []
    assert record["text"].startswith("Menu")


# -- c4 ---------------------------------------------------------------------------------------

C4_LINE_CASES = [
    ("long_word", "See " + "x" * 1001 + " for the details of it."),
    ("no_terminal_punct", "Home"),
    ("no_terminal_punct", "And then it went on and on..."),
    ("too_few_words", "Go now."),
    ("javascript", "Please enable JavaScript to view the comments."),
    ("policy", "Read our privacy policy before you sign up."),
    ("policy", "This site uses cookies to improve your experience."),
]


@pytest.mark.parametrize(("rule", "line"), C4_LINE_CASES, ids=[c[0] for c in C4_LINE_CASES])
def test_c4_removes_each_kind_of_line_with_its_reason(rule, line):
    decision = C4()(doc(EN_ARTICLE + "\n" + line))
    assert decision.action == "rewrite"
    assert [(r.reason, r.text) for r in decision.removed] == [(f"quality.c4.{rule}", line)]
    assert decision.doc.text == EN_ARTICLE


C4_PAGE_CASES = [
    ("lorem_ipsum", EN_ARTICLE + "\nLorem ipsum dolor sit amet, consectetur adipiscing."),
    ("curly_brace", EN_ARTICLE + "\nThe function returns {x} for every call it gets."),
    ("too_few_sentences", "\n".join(SENTENCES[:2])),
    ("too_few_sentences", "\n".join(s[:-1] for s in SENTENCES)),
]


@pytest.mark.parametrize(("rule", "text"), C4_PAGE_CASES, ids=[c[0] for c in C4_PAGE_CASES])
def test_c4_drops_each_kind_of_page_with_its_reason(rule, text):
    decision = C4()(doc(text))
    assert decision.action == "drop"
    assert decision.reason == f"quality.c4.{rule}"
    assert decision.reason in C4_REASONS


def test_c4_reads_braces_and_lorem_ipsum_only_on_lines_it_keeps():
    # As C4: a brace or "lorem ipsum" on a line already removed does not drop the page.
    text = EN_ARTICLE + "\nvar config = {a: 1}\nlorem ipsum"
    decision = C4()(doc(text))
    assert decision.action == "rewrite"
    assert [r.reason for r in decision.removed] == ["quality.c4.no_terminal_punct"] * 2


def test_c4_switches_and_thresholds():
    text = EN_ARTICLE + "\nPlease enable JavaScript to view the comments.\nHome"
    assert [r.reason for r in C4(filter_javascript=False)(doc(text)).removed] == [
        "quality.c4.no_terminal_punct"]
    assert C4(filter_no_terminal_punct=False, min_words_per_line=0,
              filter_javascript=False)(doc(text)).action == "keep"
    assert C4(min_sentences=9)(doc(EN_ARTICLE)).reason == "quality.c4.too_few_sentences"
    assert C4(min_sentences=0)(doc(SENTENCES[0])).action == "keep"


def test_c4_annotate_only_removes_nothing():
    text = "Home\n" + EN_ARTICLE + "\nLorem ipsum dolor sit amet, consectetur adipiscing."
    decision = C4(annotate_only=True)(doc(text))
    assert decision.action == "rewrite" and decision.removed == ()
    found = decision.doc.annotations["quality"]["c4"]
    assert list(found["failed"]) == ["quality.c4.no_terminal_punct", "quality.c4.lorem_ipsum"]
    assert found["sentences"] == 9


@pytest.mark.parametrize(("line", "ends"), [
    ("It works.", True), ('He said "yes."', True), ("Is it?", True), ("Wait...", False),
    ("Home", False), ("Really?”", False), ("他来了。", True), ("「好。」", True),
    ("यह अच्छा है।", True), ("هل هذا صحيح؟", True), ("ภาษาไทย", True), ("2024", False),
    ("እሺ።", True), ("", False),
])
def test_terminal_punctuation_in_every_script(line, ends):
    assert ends_sentence(line) is ends


# -- fineweb ----------------------------------------------------------------------------------

FINEWEB_CASES = [
    ("empty", "", {}),
    ("line_punct", "\n".join(s[:-1] for s in SENTENCES), {}),
    ("short_lines", lines_of(30, "Item number {i}.") + "\n" + EN_ARTICLE, {}),
    ("char_duplicates", EN_ARTICLE + "\n" + SENTENCES[0], {}),
    ("newline_ratio", lines_of(20, "Extraordinarily{i} considerations."), {}),
]


@pytest.mark.parametrize(("rule", "text", "params"), FINEWEB_CASES,
                         ids=[c[0] for c in FINEWEB_CASES])
def test_fineweb_drops_each_rule_with_its_reason(rule, text, params):
    decision = FineWeb(**params)(doc(text))
    assert decision.action == "drop"
    assert decision.reason == f"quality.fineweb.{rule}"
    assert decision.reason in FINEWEB_REASONS


def test_fineweb_thresholds_are_parameters():
    no_punct = "\n".join(s[:-1] for s in SENTENCES)
    assert FineWeb(line_punct_exclude_zero=True)(doc(no_punct)).action == "keep"
    assert FineWeb(char_duplicates_ratio=0.5)(doc(EN_ARTICLE + "\n" + SENTENCES[0])).action == "keep"
    assert FineWeb(short_line_length=10)(doc(lines_of(30, "Item number {i}.") + "\n" + EN_ARTICLE)).action == "keep"


def test_fineweb_short_lines_weigh_dense_scripts():
    # 20 Han characters are a full line (about 60 Latin letters), not a short one.
    zh = "\n".join(ZH_ARTICLE.split("\n")) + "\n" + "\n".join(
        f"第{i}章介绍了城市交通系统的历史和未来发展方向。" for i in range(12))
    assert FineWeb()(doc(zh)).action == "keep"


# -- parameters, registry, TOML ---------------------------------------------------------------


@pytest.mark.parametrize(("factory", "params"), [
    (GopherQuality, {"min_alpha_words": 1.5}),
    (GopherQuality, {"min_words": -1}),
    (GopherQuality, {"top_ngrams": [[0, 0.2]]}),
    (GopherQuality, {"dup_ngrams": [[5, 2.0]]}),
    (C4, {"min_sentences": -1}),
    (FineWeb, {"short_line_thr": -0.1}),
    (FineWeb, {"new_line_ratio": -1}),
])
def test_bad_parameters_are_refused(factory, params):
    with pytest.raises(ValueError):
        factory(**params)


def test_registered_with_every_reason():
    infos = {i.name: i for i in BUILTINS}
    assert infos["quality.gopher"].reasons == frozenset(GOPHER_REASONS)
    assert infos["quality.c4"].reasons == frozenset(C4_REASONS)
    assert infos["quality.fineweb"].reasons == frozenset(FINEWEB_REASONS)
    assert not any(name.startswith("quality.") for name in DEFAULT_STEPS)


def test_toml_round_trip_with_ngram_thresholds():
    pipeline = Pipeline([Step("quality.gopher", top_ngrams=[[2, 0.25]], dup_ngrams=[[5, 0.2]]),
                         Step("quality.c4", min_sentences=3)])
    again = Pipeline.from_toml(pipeline.to_toml())
    assert again == pipeline
    assert again.run(doc(EN_ARTICLE)).dropped is None


def test_shipped_quality_pipeline_loads_and_runs():
    path = resources.files("corpusclean") / "pipelines" / "quality.toml"
    pipeline = Pipeline.from_toml(path.read_text(encoding="utf-8"))
    names = [s.use for s in pipeline.steps]
    assert names[: len(DEFAULT_STEPS)] == list(DEFAULT_STEPS)
    assert names[len(DEFAULT_STEPS):] == ["quality.gopher", "quality.c4", "quality.fineweb"]
    kept = pipeline.run(doc(EN_ARTICLE))
    assert kept.dropped is None and kept.doc.text == EN_ARTICLE
    dropped = pipeline.run(doc("Home\nAbout us\nContact"))
    assert dropped.dropped == "quality.gopher.word_count"


# -- properties -------------------------------------------------------------------------------

texts = st.lists(
    st.one_of(st.text(max_size=40), st.sampled_from(SENTENCES + ["", "Home", "{", "…", "- a"])),
    max_size=12,
).map("\n".join)


@given(texts)
def test_never_raises_and_is_deterministic(text):
    for family in (GopherQuality(), C4(), FineWeb(), GopherQuality(annotate_only=True),
                   C4(annotate_only=True), FineWeb(annotate_only=True)):
        first = family(doc(text))
        assert first == family(doc(text))
        assert first.action in ("keep", "drop", "rewrite")


@given(texts)
def test_c4_only_removes_lines_and_is_idempotent(text):
    d = doc(text)
    decision = C4()(d)
    if decision.action != "rewrite":
        return
    kept = decision.doc.lines
    it = iter(d.lines)
    assert all(line in it for line in kept)  # a subsequence of the input's lines
    assert {r.line for r in decision.removed}.isdisjoint({ln.no for ln in kept})
    assert C4()(decision.doc).action == "keep"


@given(st.lists(st.sampled_from(["a", "bb", "a", "c"]), max_size=40), st.integers(1, 10))
def test_ngram_ids_give_the_reference_counts(tokens, n):
    grams = Ngrams(tokens)
    assert grams.top_chars(n) == top_ngram_chars(tokens, n)
    assert grams.dup_chars(n) == dup_ngram_chars(tokens, n)


def test_result_of_a_dropped_document_records_the_reason():
    pipeline = Pipeline([Step("quality.fineweb")])
    result = pipeline.run(doc(""))
    assert isinstance(result, Result)
    assert result.dropped == "quality.fineweb.empty"


@pytest.mark.parametrize("family", [GopherQuality, C4, FineWeb])
def test_annotate_only_twice_changes_nothing_the_second_time(family):
    step = family(annotate_only=True)
    first = step(doc("Home\n" + EN_ARTICLE))
    assert first.action == "rewrite"
    assert step(first.doc).action == "keep"


NEGATIVES = [
    # Look like a rule's target but are not: each keeps the article.
    ("c4", EN_ARTICLE + "\nShe baked cookies for the party on Sunday."),
    ("c4", EN_ARTICLE + "\nThe code was written in Java and Script, two old languages."),
    ("c4", EN_ARTICLE + '\nHe asked: "Is this the end?"'),
    ("gopher", EN_ARTICLE + "\nThe #1 hit of 1985 was played again."),
    ("gopher", EN_ARTICLE + "\n- a list item that starts with a dash."),
    ("gopher", EN_ARTICLE + "\nShe paused... and then went on with the story."),
    ("fineweb", EN_ARTICLE + "\nShort line."),
]


@pytest.mark.parametrize(("family", "text"), NEGATIVES, ids=[f"{f}-{i}" for i, (f, _) in enumerate(NEGATIVES)])
def test_negatives_are_kept_whole(family, text):
    step = {"gopher": GopherQuality(), "c4": C4(), "fineweb": FineWeb()}[family]
    assert step(doc(text)).action == "keep"
