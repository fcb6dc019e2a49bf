import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corpusclean.readers.decode import (
    MAX_OFFSETS,
    DecodeError,
    binary_kind,
    decode_bytes,
    decode_utf8_replacing,
)

RUSSIAN = "Съешь же ещё этих мягких французских булок, да выпей чаю. Это текст на русском языке."
GERMAN = "Größere Änderungen im Straßenverkehr: Fußgänger müssen künftig öfter warten."
CHINESE = "这是一个关于编码检测的测试句子。我们希望解码器能够正确识别中文文本的编码方式，并且不会出错。"


@pytest.mark.parametrize(
    ("data", "encoding", "method"),
    [
        (b"plain ascii", "utf-8", "utf-8"),
        (GERMAN.encode("utf-8"), "utf-8", "utf-8"),
        (codecs.BOM_UTF8 + GERMAN.encode("utf-8"), "utf-8", "bom"),
        (codecs.BOM_UTF16_LE + GERMAN.encode("utf-16-le"), "utf-16-le", "bom"),
        (codecs.BOM_UTF16_BE + GERMAN.encode("utf-16-be"), "utf-16-be", "bom"),
        (codecs.BOM_UTF32_LE + GERMAN.encode("utf-32-le"), "utf-32-le", "bom"),
        (GERMAN.encode("utf-16-le"), "utf-16-le", "utf-16-guess"),
        (GERMAN.encode("utf-16-be"), "utf-16-be", "utf-16-guess"),
        (CHINESE.encode("utf-16-le"), "utf-16-le", "utf-16-guess"),
        (CHINESE.encode("utf-16-be"), "utf-16-be", "utf-16-guess"),
        (b"", "utf-8", "empty"),
    ],
)
def test_decodes_known_forms(data: bytes, encoding: str, method: str) -> None:
    decoded = decode_bytes(data)
    assert (decoded.encoding, decoded.method) == (encoding, method)
    if data:
        assert decoded.text.strip() in (GERMAN, CHINESE, "plain ascii")


@pytest.mark.parametrize(("text", "enc"), [(RUSSIAN, "cp1251"), (RUSSIAN, "koi8-r"), (GERMAN, "cp1252")])
def test_legacy_encodings_go_to_the_detector(text: str, enc: str) -> None:
    decoded = decode_bytes(text.encode(enc))
    assert decoded.method == "detector"
    assert decoded.text == text


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "png"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "pdf"),
        (b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(200), "zip"),
        (b"\x7fELF\x02\x01\x01\x00" + bytes(56) + b"\x03\x00\x3e\x00", "elf"),
        (bytes(range(32)) * 40, "binary"),
    ],
)
def test_binary_is_refused(data: bytes, kind: str) -> None:
    with pytest.raises(DecodeError) as info:
        decode_bytes(data)
    assert info.value.reason == "decode.binary"
    assert kind in str(info.value)


def test_invalid_utf8_in_a_utf8_file_is_replaced_and_located() -> None:
    good = ("Grüße aus Köln. " * 20).encode("utf-8")
    data = good + b"\xff\xfe broken \xc3 here " + good
    decoded = decode_bytes(data)
    assert decoded.method == "utf-8-replaced"
    assert decoded.encoding == "utf-8"
    assert decoded.replaced == 3
    assert decoded.offsets[0] == len(good)
    assert decoded.text.count("\ufffd") == 3
    meta = decoded.to_meta()
    assert meta["replaced"] == 3 and meta["replaced_offsets"] == list(decoded.offsets)


def test_a_legacy_file_is_not_taken_for_damaged_utf8() -> None:
    # Every accented letter of a cp1252 file is an invalid UTF-8 sequence, and none is valid.
    decoded = decode_bytes(GERMAN.encode("cp1252"))
    assert decoded.method == "detector"
    assert decoded.text == GERMAN


def test_offsets_are_capped_but_the_count_is_exact() -> None:
    data = ("é" * 2000).encode("utf-8") + b"\xff" * 100
    text, errors, offsets, valid = decode_utf8_replacing(data)  # type: ignore[misc]
    assert errors == 100 and len(offsets) == MAX_OFFSETS and valid == 2000
    assert text.endswith("\ufffd" * 100)


def test_too_many_errors_give_up() -> None:
    assert decode_utf8_replacing(b"\xff" * 50, max_errors=10) is None


def test_nul_bytes_in_text_keep_the_text() -> None:
    decoded = decode_bytes(b"Hello\x00 world, this is a page with a stray NUL byte in it.\n")
    assert "Hello" in decoded.text and "world" in decoded.text


def test_binary_kind_of_text_is_none() -> None:
    assert binary_kind(GERMAN.encode("utf-8")) is None


@given(st.binary(max_size=2048))
def test_decode_never_raises_anything_but_decode_error(data: bytes) -> None:
    try:
        decoded = decode_bytes(data)
    except DecodeError as exc:
        assert exc.reason.startswith("decode.")
        return
    assert isinstance(decoded.text, str)
    decoded.text.encode("utf-8", "surrogatepass")


@given(st.text(max_size=500))
def test_utf8_text_round_trips(text: str) -> None:
    data = text.encode("utf-8", "surrogatepass")
    try:
        decoded = decode_bytes(data)
    except DecodeError:
        return  # control-heavy text may be refused as binary; never anything else
    if text.isprintable() and "\ud800" > max(text, default="a"):
        assert decoded.text == text


# Sentences in scripts whose UTF-16 has no NUL bytes between letters, nor in every other byte.
ALPHABETIC = [
    "Привет, как дела у тебя сегодня?",
    "مرحبا بكم في موقعنا الجديد",
    "नमस्ते, आप कैसे हैं?",
    "สวัสดีครับ ยินดีต้อนรับ",
    "Καλημέρα σας, τι κάνετε;",
    "שלום לכולם",
    "Ελληνικά",
    "Українська",
]
CJK = ["日本語のテキストです。", "안녕하세요 반갑습니다", "这是一个测试句子"]


@pytest.mark.parametrize("enc", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
@pytest.mark.parametrize("text", ALPHABETIC + CJK + [GERMAN])
def test_wide_unicode_without_bom_in_the_right_byte_order(text: str, enc: str) -> None:
    decoded = decode_bytes(text.encode(enc))
    assert (decoded.text, decoded.encoding) == (text, enc)
    assert decoded.method == enc[:6] + "-guess"


@pytest.mark.parametrize(
    ("text", "enc"),
    [
        ("안녕하세요. 한국어 텍스트입니다. 오늘 날씨가 좋네요.", "iso2022_kr"),
        ("これは日本語の文章です。今日はいい天気ですね。", "iso2022_jp"),
    ],
)
def test_iso_2022_is_text(text: str, enc: str) -> None:
    decoded = decode_bytes(text.encode(enc))
    assert (decoded.text, decoded.encoding, decoded.method) == (text, enc, "iso-2022")


@pytest.mark.parametrize(
    "text",
    [
        "Grüße aus Köln \x1b[31mrot\x1b[0m und ein NUL\x00 im Text.\n",
        "build ok\n\x1b[1;32mPASS\x1b[0m 12 tests\n",
        "a page with a stray\x00byte in it",
    ],
)
def test_utf8_with_a_nul_or_terminal_escapes_is_text(text: str) -> None:
    decoded = decode_bytes(text.encode("utf-8"))
    assert (decoded.text, decoded.encoding, decoded.method) == (text, "utf-8", "utf-8")


@pytest.mark.parametrize(
    ("text", "enc"),
    [
        # The Windows code pages put other letters at some of these bytes.
        ("Съешь же ещё этих мягких французских булок, да выпей же чаю. Широкая электрификация "
         "южных губерний даст мощный толчок подъёму сельского хозяйства.", "iso8859-5"),
        ("Příliš žluťoučký kůň úpěl ďábelské ódy. Zażółć gęślą jaźń, a potem idź spać. "
         "Árvíztűrő tükörfúrógép és őszi szél.", "iso8859-2"),
        ("نص حكيم له سر قاطع وذو شأن عظيم مكتوب على ثوب أخضر ومغلف بجلد أزرق. هذا مثال على "
         "الكتابة باللغة العربية في الصحف اليومية.", "iso8859-6"),
        ("Ξεσκεπάζω την ψυχοφθόρα βδελυγμία. Η γρήγορη καφέ αλεπού πηδάει πάνω από τον "
         "τεμπέλη σκύλο στην αυλή του σπιτιού.", "iso8859-7"),
        # GB2312 A1AA is U+2015; GBK and GB18030 read the same bytes as U+2014.
        ("我们今天去公园散步――天气很好，阳光明媚，孩子们在草地上玩耍，老人们在树下下棋聊天，"
         "大家都很开心。", "gb2312"),
    ],
)
def test_legacy_text_keeps_its_letters(text: str, enc: str) -> None:
    assert decode_bytes(text.encode(enc)).text == text


@pytest.mark.parametrize(
    "data",
    [
        bytes(1024),
        bytes(range(256)) * 8,
        b"\x00\x01\x02\x03" * 500,
        __import__("random").Random(7).randbytes(4096),
        __import__("random").Random(8).randbytes(4096),
    ],
)
def test_binary_without_a_signature_is_refused(data: bytes) -> None:
    with pytest.raises(DecodeError) as info:
        decode_bytes(data)
    assert info.value.reason == "decode.binary"


@pytest.mark.parametrize("enc", ["cp1251", "koi8-r"])
def test_legacy_text_after_a_long_ascii_head_is_detected(enc: str) -> None:
    # 35 KiB of markup before the first letter: the detector reads from the text's first line.
    head = "".join(f'<li><a href="/page/{i}.html">Item {i}</a></li>\n' for i in range(700))
    text = head + RUSSIAN * 60
    decoded = decode_bytes(text.encode(enc))
    assert (decoded.encoding, decoded.text) == (enc, text)


def test_damaged_utf8_far_into_a_file_is_still_utf8() -> None:
    good = ("Grüße aus Köln. " * 8000).encode("utf-8")
    decoded = decode_bytes(good + b"\xff" + good)
    assert decoded.method == "utf-8-replaced" and decoded.offsets == (len(good),)


alphabet_letters = st.sampled_from(
    [
        "абвгдежзиклмнопрстуфхцчшщыэюя",
        "αβγδεζηθικλμνξοπρστυφχψω",
        "אבגדהוזחטיכלמנסעפצקרשת",
        "ابتثجحخدذرزسشصضطظعغفقكلمنهوي",
        "कखगघचछजझटठडढणतथदधनपफबभमयरलवशसह",
        "กขคงจฉชซญดตถทธนบปผพฟภมยรลวศสหอฮ",
    ]
)


words = alphabet_letters.flatmap(
    lambda abc: st.lists(
        st.text(st.sampled_from(abc), min_size=2, max_size=9), min_size=2, max_size=20
    )
).filter(lambda ws: len(set("".join(ws))) >= 8)  # text has a vocabulary; "аа аа аа" is a pattern


@given(words, st.sampled_from(["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"]))
def test_alphabetic_text_in_wide_unicode_round_trips(words: list[str], enc: str) -> None:
    text = " ".join(words)
    assert decode_bytes(text.encode(enc)).text == text


# -- a declared charset (the HTTP Content-Type of a WARC response) --------------------------------

@pytest.mark.parametrize(("data", "hint", "encoding", "method"), [
    (RUSSIAN.encode("cp1251"), "windows-1251", "cp1251", "charset"),
    (RUSSIAN.encode("koi8_r"), "KOI8-R", "koi8-r", "charset"),
    ("Straße über Brücke".encode("cp1252"), "ISO-8859-1", "cp1252", "charset"),  # as browsers read it
    ("Straße über Brücke".encode(), "ISO-8859-1", "utf-8", "utf-8"),  # valid UTF-8 wins over the label
    (codecs.BOM_UTF16_LE + "Straße".encode("utf-16-le"), "ascii", "utf-16-le", "bom"),
    (RUSSIAN.encode("cp1251"), "x-no-such-charset", "cp1251", "detector"),
    (RUSSIAN.encode("cp1251"), "utf-7", "cp1251", "detector"),  # not taken: it decodes almost anything
    (RUSSIAN.encode("cp1251"), "shift_jis", "cp1251", "detector"),  # does not decode: the detector decides
    (b"plain ascii text", "windows-1251", "utf-8", "utf-8"),
])
def test_a_declared_charset_is_a_hint(data: bytes, hint: str, encoding: str, method: str) -> None:
    decoded = decode_bytes(data, hint=hint)
    assert (decoded.encoding, decoded.method) == (encoding, method)
    if method == "charset":
        assert decoded.confidence == 0.9
