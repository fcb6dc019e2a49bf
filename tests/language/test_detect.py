# ruff: noqa: RUF001  (multilingual text: letters of other scripts are meant)
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from corpusclean.language import detect

SAMPLES = {
    "en": "The committee will meet again next week to discuss the budget for the coming year.",
    "de": "Der Ausschuss wird sich nächste Woche erneut treffen, um den Haushalt zu beraten.",
    "fr": "Le comité se réunira de nouveau la semaine prochaine pour discuter du budget.",
    "es": "El comité se reunirá de nuevo la próxima semana para discutir el presupuesto.",
    "ru": "Комитет снова соберётся на следующей неделе, чтобы обсудить бюджет на будущий год.",
    "uk": "Комітет знову збереться наступного тижня, щоб обговорити бюджет на наступний рік.",
    "ar": "ستجتمع اللجنة مرة أخرى الأسبوع المقبل لمناقشة ميزانية العام المقبل.",
    "ja": "委員会は来週再び会合を開き、来年度の予算について話し合う予定です。",
    "zh": "委员会将于下周再次开会，讨论明年的预算问题。",
    "ko": "위원회는 다음 주에 다시 모여 내년 예산을 논의할 예정이다.",
    "el": "Η επιτροπή θα συνεδριάσει ξανά την επόμενη εβδομάδα για τον προϋπολογισμό.",
    "he": "הוועדה תתכנס שוב בשבוע הבא כדי לדון בתקציב לשנה הבאה.",
    "hi": "समिति अगले सप्ताह फिर से बैठक करेगी और अगले साल के बजट पर चर्चा करेगी।",
    "th": "คณะกรรมการจะประชุมอีกครั้งในสัปดาห์หน้าเพื่อหารือเรื่องงบประมาณ",
}


@pytest.mark.parametrize(("language", "text"), sorted(SAMPLES.items()))
def test_detects_language(language, text):
    found = detect.detect_text(text)
    assert found.language == language
    assert 0.5 < found.score <= 1.0
    assert found.candidates[0] == (found.language, found.score)


@pytest.mark.parametrize(
    "text", ["", "   ", "12345 67.89", "!!! --- ***", "😀 👍 ♥", "١٢٣ ٤٥٦", "\x00\ufffd"]
)
def test_undetermined_is_a_value(text):
    found = detect.detect_text(text)
    assert found.language == detect.UNDETERMINED == "und"
    assert found.score == 0.0 and not found.determined
    assert detect.detect_lines([text, text]).language == "und"


def test_repeated_calls_agree():
    text = "Apple iPhone Galaxy"  # short and ambiguous: unseeded langdetect varies here
    first = detect.detect_text(text)
    assert all(detect.detect_text(text) == first for _ in range(5))


def test_fresh_process_agrees():
    texts = ["Apple iPhone Galaxy", SAMPLES["de"], "Plan du site", "Ok"]
    code = (
        "import json, sys\n"
        "from corpusclean.language.detect import detect_text\n"
        "texts = json.loads(sys.stdin.read())\n"
        "print(json.dumps([[d.language, d.score] for d in map(detect_text, texts)]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        input=json.dumps(texts),
        capture_output=True,
        text=True,
        check=True,
    )
    here = [[d.language, d.score] for d in map(detect.detect_text, texts)]
    assert json.loads(out.stdout) == here


def test_profiles_load_once():
    assert detect.factory() is detect.factory()


def test_chinese_variants_fold_to_zh():
    assert detect.detect_text("這是一個關於臺灣歷史的長篇文章。").language == "zh"
    assert "zh" in detect.languages() and "zh-cn" not in detect.languages()


def test_sample_is_bounded_and_prefers_prose():
    menu = ["Home", "News", "Sport", "Contact"] * 200
    prose = [SAMPLES["de"]] * 200
    text = detect.sample(menu + prose, max_chars=1000)
    assert len(text) <= 1000 + 600
    assert "Home" not in text and "Ausschuss" in text


def test_sample_keeps_document_order():
    lines = [
        "Short one.",
        "A much longer line of running text that ends here.",
        "Middle length line here.",
    ]
    assert detect.sample(lines).split("\n") == lines


def test_document_language_from_lines_ignores_short_foreign_navigation():
    lines = ["آسياأخبار العالمأمريكا", "إغلاق", *([SAMPLES["en"]] * 3)]
    assert detect.detect_lines(lines).language == "en"


BENCH = Path(__file__).resolve().parents[3] / "shared" / "bench" / "dev"


@pytest.mark.skipif(not (BENCH / "manifest.jsonl").exists(), reason="dev bench not beside the repo")
def test_dev_bench_pages_with_dataset_languages():
    rows = [json.loads(line) for line in (BENCH / "manifest.jsonl").open(encoding="utf-8")]
    rows = [r for r in rows if r.get("lang_source") == "dataset" and r.get("gold") == "full"]
    assert rows
    for row in rows:
        text = (BENCH / f"{row['name']}.gold.txt").read_text(encoding="utf-8")
        assert detect.detect_lines(text.splitlines()).language == row["lang"], row["name"]


def _reference_prose_score(line):
    """prose_score as first written: regular expressions for letters and the final mark."""
    stripped = line.strip()
    if not stripped:
        return 0.0
    letters = len(detect._LETTER_RE.findall(stripped))
    weight = letters + 2 * len(detect._DENSE_RE.findall(stripped))
    if not letters:
        return 0.0
    score = min(weight, 400) * letters / len(stripped)
    terminal = re.search(r"[.!?。！？؟।…:;\"'”»)]\s*$", stripped)
    if terminal and len(regex.findall(r"\w+", stripped)) >= 4:
        score += 50.0
    return score


LINE = st.text(alphabet=st.sampled_from(list("aZ é1_ .!?:;\"')»”…。؟-\t\n\u3000\u2028Дж漢한ا〇々ー\u0301")))


@settings(max_examples=300, deadline=None)
@given(LINE)
def test_prose_score_equals_reference(line):
    assert detect.prose_score(line) == _reference_prose_score(line)


@settings(max_examples=100, deadline=None)
@given(st.lists(LINE, max_size=12), st.integers(10, 200))
def test_sample_ranks_like_a_keyed_sort(lines, max_chars):
    ranked = sorted(
        ((_reference_prose_score(line), i) for i, line in enumerate(lines)),
        key=lambda t: (-t[0], t[1]),
    )
    best = ranked[0][0] if ranked else 0.0
    chosen, total = [], 0
    for score, i in ranked:
        if score <= 0 or total >= max_chars or (score < 0.2 * best and total >= 300):
            break
        chosen.append((i, lines[i].strip()[:600]))
        total += len(chosen[-1][1]) + 1
    expected = "\n".join(piece for _, piece in sorted(chosen))
    assert detect.sample(lines, max_chars=max_chars) == expected


# -- corrected by script -----------------------------------------------------------------------

# label, text, language: texts where the letters decide, whatever langdetect's n-grams say.
BY_SCRIPT = [
    ("traditional chinese, no hangul: not korean", "這家公司今年在臺灣開設了三間新的門市。", "zh"),
    ("simplified chinese with a quote", "“我们先等一等吧。”他指了指前面的房子。", "zh"),
    ("korean with a han word", "대한민국 憲法 제1조는 민주공화국을 규정한다.", "ko"),
    ("japanese: kana", "東京は今日も晴れです。", "ja"),
    ("greek with an english term", "Η νέα έκδοση κυκλοφορεί με open source άδεια.", "el"),
    ("hebrew", "הוועדה תתכנס שוב בשבוע הבא.", "he"),
    ("thai", "คณะกรรมการจะประชุมอีกครั้ง", "th"),
    ("urdu beside english navigation", "Home News حکومت نے نئے بجٹ کا اعلان کر دیا ہے", "ur"),
    ("english with a chinese name stays english",
     "President Xi Jinping (习近平) met the delegation in Beijing on Monday.", "en"),
    ("macedonian with english terms", "Новата верзија на Windows поддржува повеќе корисници.", "mk"),
]


@pytest.mark.parametrize(("label", "text", "language"), BY_SCRIPT, ids=[c[0] for c in BY_SCRIPT])
def test_language_corrected_by_script(label, text, language):
    assert detect.detect_text(text).language == language


def test_by_script_leaves_a_mixed_answer_alone():
    found = detect.Detection("mk", 0.9, (("mk", 0.9), ("et", 0.1)))
    assert detect.by_script(found, {"Latin": 30, "Cyrillic": 20}) is found
    assert detect.by_script(detect.NOTHING, {"Han": 4}) is detect.NOTHING


def test_one_long_line_in_another_script_does_not_decide_the_document():
    lines = [
        "Пасть была оскалена, и огромные зубы выставлены напоказ.",
        "Ситуации с ошибками диска случаются у всех, и довольно часто.",
        "Первые часы после этого прошли спокойно.",
        "The committee published a long report on Monday that described in great detail how "
        "the regional rail network should be modernised over the next two decades.",
    ]
    assert detect.detect_lines(lines).language == "ru"


def test_one_long_line_in_another_language_does_not_decide_the_document():
    lines = [
        "The committee published a long report on Monday that described in great detail how "
        "the regional rail network should be modernised over the next two decades, with lines.",
        "Der Hund schläft auf dem Sofa.",
        "Es regnet heute den ganzen Tag.",
        "Wir gehen jetzt nach Hause und essen.",
    ]
    assert detect.detect_lines(lines).language == "de"
