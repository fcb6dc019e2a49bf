"""encoding.fix_mojibake: each kind of damage repaired, clean text in any script left alone."""

import ftfy.bad_codecs  # noqa: F401  (the "sloppy-windows-*" codecs)
import pytest
from hypothesis import given
from hypothesis import strategies as st

from corpusclean.document import Document
from corpusclean.filters.encoding import FixMojibake, repair_line, repair_words

# Sentences written for these tests, one per language, each with letters outside ASCII.
SENTENCES = {
    "fr": "L'été dernier, nous sommes allés à la plage près de Saint-Malo.",
    "de": "Die Bürger müssen künftig öfter zu Fuß über die Straße gehen.",
    "es": "El niño comió una manzana y después durmió la siesta.",
    "pt": "A informação não chegou a tempo para a reunião de ontem.",
    "sv": "Vi åkte till sjön och åt smörgåsar på bryggan.",
    "pl": "Zażółć gęślą jaźń, powiedział nauczyciel z uśmiechem.",
    "cs": "Příliš žluťoučký kůň úpěl ďábelské ódy v létě.",
    "hu": "Az árvíztűrő tükörfúrógép ősszel is működik.",
    "tr": "Şehirdeki çocuklar ağaçların gölgesinde oynuyordu.",
    "vi": "Chúng tôi đã đi du lịch ở Việt Nam vào mùa hè năm ngoái.",
    "lv": "Ikvienam ir tiesības uz brīvību un drošību savā zemē.",
    "ru": "Мы гуляли по парку и разговаривали о погоде.",
    "uk": "Вони їхали до міста і співали пісні.",
    "el": "Η γλώσσα μας είναι πολύ όμορφη και αρχαία.",
    "ar": "ذهبنا إلى السوق واشترينا الخبز والحليب.",
    "fa": "ما دیروز به کتابخانه رفتیم و کتاب خواندیم.",
    "he": "הלכנו לים ושחינו עד השקיעה.",
    "hi": "हम कल बाज़ार गए और फल खरीदे।",
    "th": "พวกเราไปตลาดเมื่อวานนี้และซื้อผลไม้",
    "zh": "我们昨天去了公园，天气非常好。",
    "ja": "昨日は友達と一緒に映画を見ました。",
    "ko": "우리는 어제 시장에 가서 과일을 샀습니다.",
}
LATIN = ("fr", "de", "es", "pt", "sv", "pl", "cs", "hu", "tr", "vi", "lv")


def garble(text: str, codec: str) -> str:
    """UTF-8 bytes of ``text`` read in ``codec``."""
    return text.encode("utf-8").decode(codec)


def fix(text: str) -> str:
    doc = Document.from_text(text, id="d")
    decision = FixMojibake()(doc)
    return (doc if decision.action == "keep" else decision.doc).text


@pytest.mark.parametrize("lang", sorted(SENTENCES))
@pytest.mark.parametrize("codec", ["sloppy-windows-1252", "latin-1"])
def test_utf8_read_as_a_western_code_page_is_restored(lang: str, codec: str) -> None:
    assert fix(garble(SENTENCES[lang], codec)) == SENTENCES[lang]


@pytest.mark.parametrize("lang", sorted(SENTENCES))
def test_double_mojibake_is_restored(lang: str) -> None:
    twice = garble(garble(SENTENCES[lang], "sloppy-windows-1252"), "sloppy-windows-1252")
    assert fix(twice) == SENTENCES[lang]


@pytest.mark.parametrize("lang", LATIN + ("ru", "uk", "el"))
@pytest.mark.parametrize("codec", ["sloppy-windows-1251", "mac-roman"])
def test_utf8_read_as_cyrillic_or_mac_roman_is_restored(lang: str, codec: str) -> None:
    assert fix(garble(SENTENCES[lang], codec)) == SENTENCES[lang]


@pytest.mark.parametrize("lang", sorted(SENTENCES))
@pytest.mark.parametrize("clean", ["fr", "ru", "zh", "ar", "pl"])
def test_a_line_that_mixes_clean_text_and_mojibake_has_its_damaged_part_repaired(
    lang: str, clean: str
) -> None:
    line = SENTENCES[clean] + " " + garble(SENTENCES[lang], "sloppy-windows-1252")
    assert fix(line) == SENTENCES[clean] + " " + SENTENCES[lang]


@pytest.mark.parametrize(
    ("damaged", "expected"),
    [
        ("d\u00c3\u00a9j\u00c3\u00a0 vu", "déjà vu"),  # à: C3 A0, a no-break space
        ("c\u00c3\u00adrculo", "círculo"),  # í: C3 AD, a soft hyphen
        ("\u00d8\u00ad\u00d9\u0084", "حل"),  # ح: D8 AD
        ("x\u00c2\u00a0y", "x\u00a0y"),
    ],
)
def test_no_break_space_and_soft_hyphen_bytes_are_read_before_normalization(
    damaged: str, expected: str
) -> None:
    assert fix(damaged) == expected


CLEAN = [
    *SENTENCES.values(),
    "« Bonjour\u00a0! » dit-elle, l’air étonné.",
    "„Guten Tag“, sagte er – und ging.",
    "CAFÉ” et THÉ",
    "OÙ\u00a0?",
    "ВІДПОВІДНО ДО ЗАКОНУ УКРАЇНИ",
    "СССР, США, ЕС и ООН",
    "d’Émile et d’Ève",
    "Prix : 5€, 10 £, 3×4 m², 20 °C, ±2 %",
    "「こんにちは」と彼は言った。（東京）",
    "《红楼梦》是中国古典小说。",
    "Ǻngström, Œuvre, Æble, ßig",
    "naïve café — résumé… “quoted” ‘single’",
    "™ © ® § ¶ • · † ‡",
    "İstanbul’da ılık bir gün",
    "Đà Nẵng, Huế và Hội An",
    "١٢٣ – ٤٥٦",
    "α·β = γ",
    "ÀÁÂÃÄÅ àáâãäå ÈÉÊË",
    "Ñandú, Ñoño",
    "Árvíztűrő tükörfúrógép",
    "Groß\u00adbritannien und Öster\u00adreich",  # soft hyphens in clean words
    "naïve\u00a0: «\u00a0oui\u00a0»",
    "Việt Nam",  # decomposed: generic combining marks
]


@pytest.mark.parametrize("line", CLEAN)
def test_clean_text_is_left_as_it_is(line: str) -> None:
    assert fix(line) == line


def test_each_repair_is_recorded() -> None:
    doc = Document.from_text("ok\n" + garble(SENTENCES["de"], "sloppy-windows-1252"), id="d")
    decision = FixMojibake()(doc)
    assert decision.doc.annotations["encoding_repairs"][0]["line"] == 2
    assert decision.doc.annotations["encoding_repairs"][0]["steps"]


def test_word_repairs_name_their_code_page() -> None:
    line = SENTENCES["ru"] + " " + garble("Ein Besuch beim Antiquitätenhändler.", "mac-roman")
    fixed, steps = repair_line(line)
    assert fixed == SENTENCES["ru"] + " Ein Besuch beim Antiquitätenhändler."
    assert ["decode_words", "mac-roman"] in steps


clean_words = st.sampled_from([w for s in CLEAN for w in s.split()])


@given(st.lists(clean_words, min_size=1, max_size=12))
def test_clean_words_in_any_order_are_left_as_they_are(words: list[str]) -> None:
    line = " ".join(words)
    assert repair_line(line)[0] == line
    assert repair_words(line)[0] == line


sentence = st.sampled_from(sorted(SENTENCES.values()))


@given(st.lists(st.tuples(sentence, st.booleans()), min_size=1, max_size=4),
       st.sampled_from(["sloppy-windows-1252", "latin-1"]))
def test_any_mix_of_clean_and_damaged_sentences_is_restored(parts, codec) -> None:
    line = " ".join(garble(s, codec) if damaged else s for s, damaged in parts)
    assert fix(line) == " ".join(s for s, _ in parts)


MOJIBAKE_CHARS = "aé ÃÂ©¤¥€…‚ƒ„†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ\u00a0\u00adÐÑØÙ√°Г"
text = st.text(alphabet=st.sampled_from(MOJIBAKE_CHARS) | st.characters(), max_size=40)


@given(text)
def test_repair_is_idempotent(line: str) -> None:
    once = repair_line(line)[0]
    assert repair_line(once)[0] == once
