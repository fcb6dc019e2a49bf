# ruff: noqa: RUF001  (multilingual text: letters of other scripts are meant)
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpusclean import Document, Pipeline, Step
from corpusclean.filters import DEFAULT_STEPS, language
from corpusclean.filters.language import FOREIGN_LINE, FOREIGN_SCRIPT, Detect, ForeignLines, Keep

ROOT = Path(__file__).resolve().parents[2]

EN_BODY = [
    "The city council approved the new budget on Tuesday after a long debate.",
    "Officials said the money would be spent on schools, roads and public transport.",
    "Several members argued that the plan did not go far enough to help small businesses.",
    "The mayor promised to review the figures again before the end of the year.",
    "Residents will be able to comment on the proposals at a public meeting next month.",
]
DE_BODY = [
    "Der Stadtrat hat am Dienstag nach einer langen Debatte den neuen Haushalt beschlossen.",
    "Das Geld soll nach Angaben der Verwaltung in Schulen, Straßen und den Nahverkehr fließen.",
    "Mehrere Mitglieder kritisierten, dass der Plan den kleinen Betrieben nicht genug helfe.",
    "Der Bürgermeister versprach, die Zahlen vor dem Ende des Jahres noch einmal zu prüfen.",
    "Die Bürger können sich im nächsten Monat bei einer öffentlichen Versammlung äußern.",
]
RU_BODY = [
    "Компания Apple представила новый iPhone 15 Pro на презентации в Купертино.",
    "По словам аналитиков, спрос на смартфоны в этом году заметно снизился.",
    "Samsung Galaxy S24 Ultra",
    "Новая модель получила процессор A17 Pro и корпус из титана.",
    "Продажи начнутся в пятницу в магазинах Apple Store и у партнёров компании.",
]
JA_BODY = [
    "AppleはiPhone 15を発表しました。",
    "新しいモデルにはUSB-Cポートが搭載されています。",
    "Apple Watch Series 9",
    "価格は前のモデルとほぼ同じで、来週から販売が始まります。",
    "専門家によると、カメラの性能が大きく向上したということです。",
]
ZH_BODY = [
    "深度学习（deep learning）是机器学习的一个分支。",
    "研究人员使用 Python 和 TensorFlow 进行开发。",
    "Machine Learning Frameworks",
    "这种方法在图像识别和语音识别方面取得了很大的成功。",
    "许多公司正在把这些技术应用到自己的产品中。",
]
AR_BODY = [
    "أعلنت الحكومة اليوم عن خطة جديدة لدعم الشركات الصغيرة في جميع أنحاء البلاد.",
    "2024",
    "12/05/2024 - 16:30",
    "وقال الوزير إن الخطة ستكلف نحو ٥٠٠ مليون دولار خلال السنوات الثلاث المقبلة.",
    "وأضاف أن الحكومة ستراجع النتائج في نهاية العام المقبل.",
]

UK_SENTENCE = "Уряд ухвалив нове рішення щодо підтримки малого бізнесу в усіх регіонах країни."
ES_SENTENCE = "El gobierno anunció ayer un nuevo plan para las pequeñas empresas del país."
PT_BODY = [
    "O governo aprovou o novo orçamento na terça-feira depois de um longo debate.",
    "Segundo os responsáveis, o dinheiro será gasto em escolas e estradas.",
    "Vários membros disseram que o plano não ajuda as pequenas empresas.",
]
LONG_EN_SENTENCE = (
    "The committee published a long report on Monday that described in great detail how the "
    "regional rail network should be modernised over the next two decades, with new lines."
)

UK_LINK = "Блінкен під час візиту до Китаю закликав Пекін до співпраці зі США25.04.24, 16:00"


def clean(lines: list[str]) -> tuple[Document, dict[str, str]]:
    doc = Document.from_text("\n".join(lines))
    doc = Detect()(doc).doc or doc
    decision = ForeignLines()(doc)
    out = decision.doc or doc
    return out, {r.text: r.reason for r in decision.removed}


# label, lines, language, {removed line: reason}
CASES = [
    (
        "english page, french menu at both edges",
        [
            "Accueil",
            "Nous contacter",
            "Politique de confidentialité et mentions légales",
            "Inscrivez-vous à notre lettre d'information",
            *EN_BODY,
            "Tous droits réservés pour le site et ses contenus",
        ],
        "en",
        {
            # The menu words outside the french lines go with them, as one block.
            "Accueil": FOREIGN_LINE,
            "Nous contacter": FOREIGN_LINE,
            "Politique de confidentialité et mentions légales": FOREIGN_LINE,
            "Inscrivez-vous à notre lettre d'information": FOREIGN_LINE,
            "Tous droits réservés pour le site et ses contenus": FOREIGN_LINE,
        },
    ),
    (
        "german page, english navigation",
        [
            "Home",
            "Sign in to your account",
            "Subscribe to our newsletter",
            *DE_BODY,
            "Terms of use and privacy policy",
        ],
        "de",
        {
            "Home": FOREIGN_LINE,
            "Sign in to your account": FOREIGN_LINE,
            "Subscribe to our newsletter": FOREIGN_LINE,
            "Terms of use and privacy policy": FOREIGN_LINE,
        },
    ),
    (
        "russian page with latin brand names, english footer",
        [
            *RU_BODY,
            "Эксперты ожидают, что цены на старые модели в ближайшие месяцы снизятся.",
            "В России официальные поставки устройств по-прежнему не возобновлены.",
            "All rights reserved by the company and its partners",
        ],
        "ru",
        {"All rights reserved by the company and its partners": FOREIGN_SCRIPT},
    ),
    (
        "japanese page with latin words, korean link",
        [*JA_BODY, "한국어 버전 보기"],
        "ja",
        {"한국어 버전 보기": FOREIGN_SCRIPT},
    ),
    (
        "japanese page (latin is its own script): an english sentence at the end goes by language",
        [
            *JA_BODY,
            "専門家は今後も価格が下がると予想しています。",
            "Click here to read the English version of this article",
        ],
        "ja",
        {"Click here to read the English version of this article": FOREIGN_LINE},
    ),
    (
        "chinese page with english terms, english footer sentence",
        [
            *ZH_BODY,
            "专家认为，未来几年人工智能的发展速度还会进一步加快。",
            "政府也在制定新的政策，鼓励企业加大研发投入。",
            "Click here to read the English version of this article",
        ],
        "zh",
        {"Click here to read the English version of this article": FOREIGN_SCRIPT},
    ),
    ("arabic page with numbers", AR_BODY, "ar", {}),
    (
        "quoted french sentence inside the english body stays",
        [
            *EN_BODY[:2],
            "« Nous ne céderons jamais face à la menace », a déclaré le ministre.",
            *EN_BODY[2:],
        ],
        "en",
        {},
    ),
    (
        "unquoted french link line inside the english body goes",
        [*EN_BODY[:2], "Lire aussi les dernières nouvelles de la guerre en Ukraine", *EN_BODY[2:]],
        "en",
        {"Lire aussi les dernières nouvelles de la guerre en Ukraine": FOREIGN_LINE},
    ),
    (
        "quoted ukrainian sentence inside the english body stays",
        [*EN_BODY[:2], "«Ми будемо боротися до кінця», — сказав президент.", *EN_BODY[2:]],
        "en",
        {},
    ),
    (
        "ukrainian headline link at the end goes",
        [*EN_BODY, UK_LINK],
        "en",
        {UK_LINK: FOREIGN_SCRIPT},
    ),
    (
        "arabic navigation words at the edges go, one word or not",
        ["آسياأخبار العالمأمريكا", *EN_BODY, "اظهر المزيد", "إغلاق"],
        "en",
        {
            "آسياأخبار العالمأمريكا": FOREIGN_SCRIPT,
            "اظهر المزيد": FOREIGN_SCRIPT,
            "إغلاق": FOREIGN_SCRIPT,
        },
    ),
    (
        "english sentence with a chinese name stays",
        [
            *EN_BODY[:2],
            "President Xi Jinping (习近平) met the delegation in Beijing on Monday.",
            *EN_BODY[2:],
        ],
        "en",
        {},
    ),
    (
        "russian sentence with a latin brand stays, as does a latin product line",
        ["Samsung Galaxy S24 Ultra: обзор", *RU_BODY],
        "ru",
        {},
    ),
    (
        "foreign title at the top stays (short, one stopword)",
        ["Les Misérables: A Review", *EN_BODY],
        "en",
        {},
    ),
    (
        "english title-case song titles in a german article stay",
        [
            *DE_BODY[:2],
            "01. Girl With A Gun",
            "02. Feel It In My Bones",
            "03. Love Is A Shield",
            *DE_BODY[2:],
        ],
        "de",
        {},
    ),
    (
        "one- and two-word lines are never judged alone; a three-word line at the edge is",
        [*EN_BODY, "Mehr lesen", "Plan du site"],
        "en",
        {"Plan du site": FOREIGN_LINE},
    ),
    ("a two-word line next to the text stays", [*EN_BODY, "Mehr lesen"], "en", {}),
    (
        "english menu words above a russian article go, a word at a time",
        ["Home", "Login", "Search", *RU_BODY],
        "ru",
        {"Home": FOREIGN_SCRIPT, "Login": FOREIGN_SCRIPT, "Search": FOREIGN_SCRIPT},
    ),
    (
        "a ukrainian sentence under a russian story goes",
        [*RU_BODY, UK_SENTENCE],
        "ru",
        {UK_SENTENCE: FOREIGN_LINE},
    ),
    (
        "a spanish sentence above a portuguese text goes",
        [ES_SENTENCE, *PT_BODY],
        "pt",
        {ES_SENTENCE: FOREIGN_LINE},
    ),
    ("a heading at the top of a russian article stays", ["Новости", *RU_BODY], "ru", {}),
    (
        "a list item inside the text stays",
        [*EN_BODY[:2], "• Fresh apples and pears", *EN_BODY[2:]],
        "en",
        {},
    ),
    (
        "a japanese sentence at the end of a chinese page goes by its kana",
        [*ZH_BODY, "専門家は今後も価格が下がると予想しています。"],
        "zh",
        {"専門家は今後も価格が下がると予想しています。": FOREIGN_SCRIPT},
    ),
    (
        "a chinese sentence (han alone) at the end of a japanese page goes by language",
        [*JA_BODY, ZH_BODY[3]],
        "ja",
        {ZH_BODY[3]: FOREIGN_LINE},
    ),
    (
        "a short han title at the top of a japanese page stays",
        ["東京都知事選挙", *JA_BODY],
        "ja",
        {},
    ),
    (
        "one long foreign sentence does not take a short page's own lines with it",
        [LONG_EN_SENTENCE, "Der Hund schläft.", "Es regnet heute den ganzen Tag.",
         "Wir gehen jetzt nach Hause."],
        None,
        {LONG_EN_SENTENCE: FOREIGN_LINE},
    ),
    (
        "lines without letters are never foreign",
        ["12.05.2024", *EN_BODY, "16:00 — 17:30", "© 2024", "١٢٣ / 456"],
        "en",
        {},
    ),
    (
        "serbian page in both scripts",
        [
            "Влада је усвојила нови закон о образовању у уторак увече.",
            "Vlada je usvojila novi zakon o obrazovanju u utorak uveče.",
            "Министар је рекао да ће промене почети следеће године.",
            "Ministar je rekao da će promene početi sledeće godine.",
        ],
        None,
        {},
    ),
]


@pytest.mark.parametrize(("label", "lines", "lang", "expected"), CASES, ids=[c[0] for c in CASES])
def test_foreign_lines_cases(label, lines, lang, expected):
    out, removed = clean(lines)
    if lang is not None:
        assert out.annotations["language"] == lang
    assert removed == expected
    kept = [line.text for line in out.lines]
    assert kept == [line for line in lines if line not in expected]


def test_removal_details_name_the_script_or_language():
    doc = Detect()(Document.from_text("\n".join([*EN_BODY, "اظهر المزيد"]))).doc
    (removal,) = ForeignLines()(doc).removed
    assert removal.detail == "script=Arabic share=1.00"
    lines = ["Subscribe to our newsletter for the latest news", *DE_BODY]
    (removal,) = ForeignLines()(Detect()(Document.from_text("\n".join(lines))).doc).removed
    assert removal.detail.startswith("language=en p=")


def test_line_languages_are_counted():
    out, _ = clean(["Subscribe to our newsletter", *DE_BODY])
    assert out.annotations["line_languages"]["de"] == len(DE_BODY)
    assert out.annotations["line_languages"]["en"] == 1


def test_unsure_document_language_only_uses_scripts():
    doc = Document.from_text("\n".join(["Subscribe to our newsletter", *DE_BODY, "إغلاق"]))
    doc = doc.annotate(language="de", language_score=0.6)
    removed = {r.text: r.reason for r in ForeignLines()(doc).removed}
    assert removed == {"إغلاق": FOREIGN_SCRIPT}


def test_bilingual_page_keeps_both_languages():
    lines = [x for pair in zip(EN_BODY, DE_BODY, strict=True) for x in pair]
    _, removed = clean(lines)
    assert removed == {}


def test_without_annotation_the_filter_detects_itself():
    doc = Document.from_text("\n".join([*EN_BODY, "إغلاق"]))
    assert [r.text for r in ForeignLines()(doc).removed] == ["إغلاق"]


@pytest.mark.parametrize("text", ["", "\n\n", "12 34", "!!!"])
def test_empty_and_symbol_documents(text):
    doc = Document.from_text(text)
    detected = Detect()(doc).doc
    assert detected.annotations["language"] == "und"
    assert detected.annotations["language_score"] == 0.0
    assert ForeignLines()(detected).removed == ()


def test_detect_is_deterministic_and_idempotent():
    doc = Document.from_text("\n".join(["Apple iPhone Galaxy", "Plan du site"]))
    first = Detect()(doc).doc
    assert all(Detect()(doc).doc == first for _ in range(3))
    assert Detect()(first).action == "keep"
    assert set(first.annotations) >= {"language", "language_score", "scripts"}


# -- language.keep ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("languages", "min_score", "lang", "score", "action"),
    [
        ((), 0.0, "en", 0.99, "keep"),
        (("en", "de"), 0.0, "de", 0.99, "keep"),
        (("en",), 0.0, "fr", 0.99, "drop"),
        (("en",), 0.9, "en", 0.6, "drop"),
        ((), 0.0, "und", 0.0, "drop"),
        (("und",), 0.0, "und", 0.0, "keep"),
    ],
)
def test_keep(languages, min_score, lang, score, action):
    doc = Document.from_text("x").annotate(language=lang, language_score=score)
    decision = Keep(languages=languages, min_score=min_score)(doc)
    assert decision.action == action
    if action == "drop":
        assert decision.reason == language.UNWANTED


def test_keep_from_toml_round_trip():
    pipe = Pipeline(
        [Step("language.detect"), Step("language.keep", languages=["en"], min_score=0.8)]
    )
    assert Pipeline.from_toml(pipe.to_toml()) == pipe
    result = pipe.run(Document.from_text("\n".join(DE_BODY)))
    assert result.dropped == "language.unwanted"


def test_default_pipeline_runs_language_after_the_phrase_families():
    detect = DEFAULT_STEPS.index("language.detect")
    assert DEFAULT_STEPS[detect + 1] == "language.foreign_lines"
    assert all(DEFAULT_STEPS.index(f"boilerplate.{f}") < detect
               for f in ("cookie", "comment_form", "widget", "share", "navigation"))
    assert "language.keep" not in DEFAULT_STEPS


def test_foreign_lines_requires_language():
    from corpusclean import ConfigError

    with pytest.raises(ConfigError):
        Pipeline([Step("language.foreign_lines")])


# -- seeds ------------------------------------------------------------------------------------


def test_seeds_language_lines_removed_and_content_kept():
    """The language steps alone (after the encoding steps) catch every foreign-language line."""
    gold = [json.loads(line) for line in (ROOT / "seeds" / "gold.jsonl").open(encoding="utf-8")]
    pipe = Pipeline([Step(u) for u in DEFAULT_STEPS if u.startswith(("encoding.", "language."))])
    for rec in gold:
        text = (ROOT / "seeds" / rec["file"]).read_text(encoding="utf-8")
        result = pipe.run(Document.from_text(text, id=rec["file"]))
        assert result.doc.annotations["language"] == "en", rec["file"]
        kept = {line.no for line in result.doc.lines}
        assert set(rec["content_lines"]) <= kept, rec["file"]
        reasons = {r.line: r.reason for r in result.doc.removals}
        for no, item in rec["boilerplate_lines"].items():
            if item["kind"].startswith("foreign-language"):
                assert reasons.get(int(no), "").startswith("language."), (rec["file"], no)


def test_seed_002_arabic_comment_form_goes_with_the_language_filter_alone():
    text = (ROOT / "seeds" / "002_1892a7c5b9cc6f21.txt").read_text(encoding="utf-8")
    doc = Detect()(Document.from_text(text)).doc
    removed = {r.line for r in ForeignLines()(doc).removed}
    assert {71, 73} <= removed


# -- properties -------------------------------------------------------------------------------

POOL = [
    *EN_BODY,
    *DE_BODY,
    *RU_BODY,
    *JA_BODY,
    *AR_BODY,
    "Subscribe to our newsletter",
    "Politique de confidentialité et mentions légales",
    "إغلاق",
    "Home",
    "",
    "2024",
    "« Nous ne céderons jamais », a dit le ministre.",
    "Samsung Galaxy S24 Ultra",
]

documents = st.lists(
    st.one_of(st.sampled_from(POOL), st.text(max_size=30).map(lambda s: s.replace("\n", " "))),
    max_size=10,
).map("\n".join)


@settings(max_examples=40, deadline=None)
@given(documents)
def test_never_raises_removes_only_and_is_idempotent(text):
    doc = Document.from_text(text)
    doc = Detect()(doc).doc or doc
    decision = ForeignLines()(doc)
    out = decision.doc or doc
    # removal only: the kept lines are a subsequence of the input lines
    kept = iter(doc.lines)
    assert all(any(line == other for other in kept) for line in out.lines)
    assert len(out.lines) + len(decision.removed) == len(doc.lines)
    assert {r.reason for r in decision.removed} <= {FOREIGN_LINE, FOREIGN_SCRIPT}
    again = ForeignLines()(out)
    assert again.removed == ()


@pytest.mark.parametrize(("label", "lines", "lang", "expected"), CASES, ids=[c[0] for c in CASES])
def test_default_pipeline_is_idempotent_on_cases(label, lines, lang, expected):
    pipe = Pipeline.default()
    once = pipe.run(Document.from_text("\n".join(lines))).doc
    twice = pipe.run(Document.from_text(once.text)).doc
    assert twice.text == once.text
    assert twice.annotations["language"] == once.annotations["language"]


@pytest.mark.parametrize("params", [{"script_share": 1.5}, {"min_words": 0}, {"weak_score": -0.1}])
def test_foreign_lines_rejects_bad_parameters(params):
    with pytest.raises(ValueError, match=next(iter(params))):
        ForeignLines(**params)


def test_keep_rejects_bad_score():
    with pytest.raises(ValueError, match="min_score"):
        Keep(min_score=2.0)


def test_langdetect_budget_bounds_the_work(monkeypatch):
    calls = []
    real = language.detect_text
    monkeypatch.setattr(language, "detect_text", lambda text: calls.append(text) or real(text))
    # Every other line Arabic, the lines between English without stopwords: each would be
    # asked to langdetect as a neighbour of a foreign line.
    lines = [*EN_BODY]
    for i in range(30):
        lines += ["إغلاق", f"Weekly Digest Number {i} Archive Highlights"]
    doc = Detect()(Document.from_text("\n".join(lines))).doc
    ForeignLines(max_checks=5)(doc)
    assert len(calls) == 5


@settings(max_examples=30, deadline=None)
@given(documents)
def test_foreign_lines_is_deterministic(text):
    doc = Detect()(Document.from_text(text)).doc
    first = ForeignLines()(doc)
    second = ForeignLines()(doc)  # a fresh filter: nothing cached
    assert first.removed == second.removed
    assert (first.doc or doc) == (second.doc or doc)


def test_every_removal_says_why():
    lines = ["Home", "Login", *RU_BODY, UK_SENTENCE]
    removed = ForeignLines()(Detect()(Document.from_text("\n".join(lines))).doc).removed
    details = {r.text: (r.reason, r.detail) for r in removed}
    assert details["Home"] == (FOREIGN_SCRIPT, "script=Latin share=1.00")
    reason, detail = details[UK_SENTENCE]
    assert reason == FOREIGN_LINE
    assert re.fullmatch(r"language=uk p=(0\.9\d|1\.00) at the page's edge", detail)


def test_a_tipped_document_is_relabelled():
    lines = [LONG_EN_SENTENCE, "Der Hund schläft.", "Es regnet heute den ganzen Tag.",
             "Wir gehen jetzt nach Hause."]
    doc = Document.from_text("\n".join(lines)).annotate(language="en", language_score=1.0)
    out = ForeignLines()(doc).doc
    assert out.annotations["language"] == "de"
    assert [line.text for line in out.lines] == lines[1:]
