"""Language filters: tag the document's language, remove lines in other languages, keep or drop
documents by language.

- ``language.detect`` annotates ``language``, ``language_score`` and the ``scripts`` profile.
- ``language.foreign_lines`` removes lines written in a script the document does not use
  (``language.foreign_script``) and lines of the document's script in another language
  (``language.foreign_line``), looking at each line's neighbours before it decides.
- ``language.keep`` drops documents whose language is not wanted (``language.unwanted``).

How ``language.foreign_lines`` decides, cheapest check first (docs/language.md has the
details and the figures):

1. Each line gets a class. Lines without letters, and lines of fewer than ``min_words`` words in
   the document's script, are *neutral*: never judged alone. The document's scripts are judged
   by its lines (:func:`~corpusclean.language.scripts.own_scripts`). A line whose letters are
   mostly (over ``script_share``) in scripts the document does not use is *foreign* at once,
   except Latin in a non-Latin document, which also needs ``min_words`` words and a stopword
   inside the text (brand names and codes stay) and goes at the page's edges only otherwise.
   A line of the document's script that the stopword lists give to the document's language is
   *home* without asking langdetect; one with ``min_stopwords`` stopwords of a language not
   close to it goes to langdetect, and is *foreign* when langdetect agrees with ``min_score``.
2. Edges: walking in from each end of the page until the first line of the document's
   language, lines not surely home are judged by langdetect (:meth:`ForeignLines._judge_at_edge`);
   everything from the page's end to the innermost foreign line goes, short lines with it as
   one block.
3. Inside the text, foreign lines come in runs (neutral lines do not break a run), followed
   outward over lines without stopwords of the document's language, which langdetect may call
   *weak* foreign (``weak_score``). A run of ``interior_run`` foreign lines goes; a shorter one
   keeps its lines that look quoted (a quoted sentence or a name belongs to the article), and a
   lone line of the document's script needs ``lone_min_words`` words.
4. Lines go for their language only when the document's language is sure enough
   (``min_doc_score``) and the lines found in another language make at most
   ``max_foreign_share`` of its lines or of its text (else the page is bilingual); when they
   outnumber the document's own, the document's language was tipped by a few long lines and
   the lines are judged again in the language of the many. The filter judges what is left
   again until nothing more goes (idempotent). Title-case lines are never foreign on their own.
5. langdetect runs at most ``max_checks`` times per document; past that, lines it would have
   judged count as the document's language. The filter keeps langdetect's answers for the
   first 4096 lines it asked about (in this and earlier documents), and a line found there
   costs nothing from the budget: this table is part of the answer (a document with more than
   ``max_checks`` lines to ask about is judged further when earlier documents had its lines),
   not a speed-up to remove.

>>> from corpusclean.document import Document
>>> doc = Document.from_text("The minister spoke in the capital on Friday morning.\\n"
...                          "Talks went on for five hours.\\nآسيا أخبار العالم")
>>> doc = Detect()(doc).doc
>>> [r.reason for r in ForeignLines()(doc).removed]
['language.foreign_script']
"""

# ruff: noqa: RUF001, RUF002  (multilingual text: letters of other scripts are meant)

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache

import regex

from ..decision import Decision, drop, keep, remove_lines, rewrite
from ..document import Document
from ..language import scripts
from ..language.detect import UNDETERMINED, Detection, detect_lines, detect_text
from ..language.lines import facts as line_facts
from ..language.stopwords import STOPWORDS, are_close, attributed_to, hit_counts, tokens

FOREIGN_SCRIPT = "language.foreign_script"
FOREIGN_LINE = "language.foreign_line"
UNWANTED = "language.unwanted"


@dataclass(frozen=True)
class Detect:
    """Detect the document's language and script profile.

    Annotates ``language`` (a langdetect code, ``zh`` for Chinese, ``und`` when there is nothing
    to judge), ``language_score`` (its probability, rounded to 4 places) and ``scripts`` (the
    share of letters per script). langdetect reads a sample of at most about ``max_chars``
    characters: the most prose-like lines.
    """

    max_chars: int = 3000

    def __call__(self, doc: Document) -> Decision:
        texts = [line.text for line in doc.lines]
        found = detect_lines(texts, max_chars=self.max_chars)
        values = {
            "language": found.language,
            "language_score": round(found.score, 4),
            "scripts": _profile(texts),
        }
        if all(doc.annotations.get(k) == v for k, v in values.items()):
            return keep()
        return rewrite(doc.annotate(**values))


def _profile(texts: list[str]) -> dict[str, float]:
    """``scripts.profile(texts)``, by the core where there is one."""
    known = line_facts(texts)  # with the words, which language.foreign_lines reads next
    if known is None:
        return scripts.profile(texts)
    return dict(known.summary()[1])  # type: ignore[attr-defined]


class Kind(Enum):
    """The class of one line for ``language.foreign_lines``."""

    BLANK = "blank"
    NEUTRAL = "neutral"  # no letters, or too short to judge
    HOME = "home"  # the document's language
    OPEN = "open"  # no stopword of the document's language: judged only next to foreign lines
    WEAK = "weak"  # langdetect alone says another language
    FOREIGN = "foreign"  # another script, or another language on two kinds of evidence
    EDGE = "edge"  # wholly in another script but short: removed at the page's edges only


# Every script a line's main script can be (line_vote's), for the core's passes.
_ALL_SCRIPTS = (*scripts.SCRIPTS, scripts.OTHER, scripts.KANA)


@lru_cache(maxsize=256)
def _pass_language(language: str) -> tuple[list[str], bool]:
    """What a pass of the core needs of the document's language: the scripts whose lines it
    judges by language (:meth:`ForeignLines._judged_script`), and whether the language is the
    one its script stands for (home is sure). Computed once per language."""
    judged = [s for s in _ALL_SCRIPTS if ForeignLines._judged_script(s, language)]
    home_sure = scripts.SCRIPT_LANGUAGE.get(scripts.written_in(language) or "") == language
    return judged, home_sure


@dataclass(slots=True)
class _Line:
    kind: Kind
    reason: str = ""
    detail: str = ""
    language: str = ""
    words: int = 0
    quoted: bool = False
    sure: bool = False  # home on evidence no other language shares (never judged at an edge)


_QUOTES = "\"'“”„‟«»‹›‘’‚「」『』"
_QUOTE_START_RE = regex.compile(rf"^\W*[{_QUOTES}]")
_QUOTE_END_RE = regex.compile(rf"[{_QUOTES}][\W\d]*$")
_SENTENCE_END_RE = regex.compile(r"[.!?。！？؟।…][\"'”»’)\]]*$")


_WORD_RE = regex.compile(r"\p{L}[\p{L}\p{M}'’-]*")


def _title_case(text: str) -> bool:
    """Is every word of four letters or more capitalized (a title, a name, a menu)?

    >>> _title_case("The Death and Life of Marsha P. Johnson"), _title_case("Leave this field")
    (True, False)
    """
    long_words = [w for w in _WORD_RE.findall(text) if len(w) >= 4]
    return len(long_words) >= 2 and all(w[0].isupper() for w in long_words)


def _quoted(text: str, words: int) -> bool:
    """Does a line look like a quotation or a sentence of running text?"""
    text = text.strip()
    if _QUOTE_START_RE.search(text) or _QUOTE_END_RE.search(text):
        return True
    return words >= 4 and _SENTENCE_END_RE.search(text) is not None


@dataclass
class _Langdetect:
    """langdetect on the lines of one document: at most ``left`` calls, and the lines found in
    ``table`` (the filter's answers for the first 4096 lines it asked about, over every
    document) answered at no cost. The table is part of the answer: see the module's point 5."""

    table: dict[str, Detection]
    left: int

    def __call__(self, text: str) -> Detection | None:
        """langdetect on one line, ``None`` once the document's calls are spent."""
        found = self.table.get(text)
        if found is None:
            if self.left <= 0:
                return None
            self.left -= 1
            found = detect_text(text[:2000])
            if len(self.table) < 4096:
                self.table[text] = found
        return found


@dataclass(frozen=True)
class ForeignLines:
    """Remove lines in a script the document does not use, and lines of three or more words in
    another language than the document's, at the document's edges or in runs.

    Reasons: ``language.foreign_script`` and ``language.foreign_line``; each removal's detail
    names the script or the language (with langdetect's probability). Annotates
    ``line_languages``: how many lines of ``min_words`` words or more were given to each
    language (by stopwords or by langdetect; lines no check looked at are not counted).
    """

    script_share: float = 0.5
    min_share: float = 0.3
    min_words: int = 3
    min_stopwords: int = 2
    min_score: float = 0.9
    weak_score: float = 0.95
    interior_run: int = 3
    lone_min_words: int = 6
    min_doc_score: float = 0.7
    max_foreign_share: float = 0.3
    max_checks: int = 200
    # langdetect's answers on lines, kept over the documents (part of the answer: point 5).
    _cache: dict[str, Detection] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        shares = (
            "script_share",
            "min_share",
            "min_score",
            "weak_score",
            "min_doc_score",
            "max_foreign_share",
        )
        for name in shares:
            if not 0.0 <= getattr(self, name) <= 1.0:
                msg = f"{name} must be between 0 and 1, not {getattr(self, name)!r}"
                raise ValueError(msg)
        ints = ("min_words", "min_stopwords", "interior_run", "lone_min_words", "max_checks")
        for name in ints:
            if getattr(self, name) < 1:
                msg = f"{name} must be 1 or more, not {getattr(self, name)!r}"
                raise ValueError(msg)

    def __call__(self, doc: Document) -> Decision:
        language = doc.annotations.get("language")
        texts = [line.text for line in doc.lines]
        if language is None:
            language = detect_lines(texts).language
        score = doc.annotations.get("language_score")
        if score is not None and score < self.min_doc_score:
            language = UNDETERMINED  # unsure of the document: only the script check applies
        ask = _Langdetect(self._cache, self.max_checks)
        known = line_facts(texts)  # the core's facts of every line, or None
        if known is None:
            reasons, details, line_languages, tipped, alive = self._judge(texts, language, ask)
        else:
            reasons, details, line_languages, tipped, alive = self._judge_in_core(
                known, texts, language, ask
            )
        relabel: dict[str, object] = {}
        if tipped:
            # The document's language as language.detect finds it on the lines that stay.
            again = detect_lines([texts[i] for i in alive])
            relabel = {"language": again.language, "language_score": round(again.score, 4)}
        decision = remove_lines(doc, reasons, details)
        base = decision.doc if decision.doc is not None else doc
        if doc.annotations.get("line_languages") == line_languages and not reasons:
            return keep()
        return rewrite(
            base.annotate(line_languages=line_languages, **relabel), removed=decision.removed
        )

    def _judge(
        self, texts: Sequence[str], language: str, ask: _Langdetect
    ) -> tuple[dict[int, str], dict[int, str], dict[str, int], bool, list[int]]:
        """The lines to remove (reasons and details by line), ``line_languages``, whether the
        document's language was tipped (see :meth:`_tipped`), and the lines left."""
        # Judged again on what is left until nothing more goes: what a line's removal changes
        # (the scripts a page uses, the share of a language) is settled in this call, so the
        # filter is idempotent.
        alive = list(range(len(texts)))
        reasons: dict[int, str] = {}
        details: dict[int, str] = {}
        lines: list[_Line] | None = None
        tipped_once = False
        while alive:
            judged, found = self._decide([texts[i] for i in alive], language, ask)
            tipped = self._tipped(judged, language)
            if tipped is not None:
                # More lines in one other language than in the document's: the document's
                # language was tipped by a few long lines. The lines judge it again.
                language = tipped
                tipped_once = True
                judged, found = self._decide([texts[i] for i in alive], language, ask)
            lines = lines or judged
            if not found:
                break
            for k, (reason, detail) in found.items():
                reasons[alive[k]], details[alive[k]] = reason, detail
            alive = [i for k, i in enumerate(alive) if k not in found]
        counts = Counter(ln.language for ln in lines or [] if ln.language)
        line_languages = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
        return reasons, details, line_languages, tipped_once, alive

    def _judge_in_core(
        self, known: object, texts: Sequence[str], language: str, ask: _Langdetect
    ) -> tuple[dict[int, str], dict[int, str], dict[str, int], bool, list[int]]:
        """:meth:`_judge` by the core (``_core.LineFacts.foreign_lines``), which runs the passes
        over the lines and asks back for a pass's scripts (as :meth:`_decide` finds them) and
        for langdetect on a line (``ask``)."""

        def pass_scripts(
            main: str | None, letters: list[tuple[str, float]], by_line: list[tuple[str, int]],
            counted: int, language: str,
        ) -> tuple[list[str], str, list[str], bool]:
            own: frozenset[str] = frozenset()
            if main is not None:
                own = scripts.scripts_in_use(
                    main, dict(letters), dict(by_line), counted, language,
                    min_share=self.min_share,
                )
                if not scripts.writes(language, main):
                    language = UNDETERMINED
            return sorted(own), language, *_pass_language(language)

        def detect(i: int, against: str) -> tuple[str, float, bool, float] | None:
            found = ask(texts[i])
            if found is None:
                return None
            unlikely = 1.0 - sum(p for code, p in found.candidates if are_close(code, against))
            return found.language, found.score, found.determined, unlikely

        removed, line_languages, tipped, alive = known.foreign_lines(  # type: ignore[attr-defined]
            language, pass_scripts, detect, script_share=self.script_share,
            min_words=self.min_words, min_stopwords=self.min_stopwords,
            lone_min_words=self.lone_min_words, min_score=self.min_score,
            weak_score=self.weak_score, interior_run=self.interior_run,
            max_foreign_share=self.max_foreign_share,
        )
        reasons = {i: reason for i, reason, _ in removed}
        details = {i: detail for i, _, detail in removed}
        return reasons, details, dict(line_languages), tipped is not None, alive

    # -- one pass -------------------------------------------------------------------------------

    def _decide(
        self, texts: Sequence[str], language: str, ask: _Langdetect
    ) -> tuple[list[_Line], dict[int, tuple[str, str]]]:
        """One pass over ``texts``: each line's class, and the lines to remove with their
        reason and detail."""
        own = scripts.own_scripts(texts, language, min_share=self.min_share)
        main = scripts.main_script_of_lines(texts)
        if main is not None and not scripts.writes(language, main):
            language = UNDETERMINED  # the lines are not in the script of that language
        lines = [self._classify(t, language, own, ask) for t in texts]
        reasons: dict[int, str] = {}
        details: dict[int, str] = {}
        for i in self._edges(texts, lines, language, ask):
            reasons[i] = lines[i].reason
            details[i] = lines[i].detail
        for start, end, edge in self._runs(texts, lines, language, ask):
            members = [
                i for i in range(start, end + 1) if lines[i].kind in (Kind.FOREIGN, Kind.WEAK)
            ]
            if (
                edge
                or sum(1 for i in members if lines[i].kind is Kind.FOREIGN) >= self.interior_run
            ):
                chosen = members
                if len(members) == 1 and lines[members[0]].reason == FOREIGN_LINE:
                    chosen = [i for i in members if lines[i].words >= self.lone_min_words]
            else:
                # Inside the body: foreign lines that do not look quoted, and of the
                # document's script only when long enough.
                chosen = [
                    i
                    for i in members
                    if lines[i].kind is Kind.FOREIGN
                    and not lines[i].quoted
                    and (lines[i].reason == FOREIGN_SCRIPT or lines[i].words >= self.lone_min_words)
                ]
            for i in chosen:
                reasons[i] = lines[i].reason
                details[i] = lines[i].detail
        self._check_share(texts, lines, reasons)
        return lines, {i: (reasons[i], lines[i].detail) for i in reasons}

    # -- classes --------------------------------------------------------------------------------

    def _classify(self, text: str, language: str, own: frozenset[str], ask: _Langdetect) -> _Line:
        if not text.strip():
            return _Line(Kind.BLANK)
        counts = scripts.script_counts(text)
        if not counts:
            return _Line(Kind.NEUTRAL)
        toks = tokens(text)
        words = len(toks)
        share = scripts.foreign_share(counts, own)
        main = scripts.line_vote(text)[0]
        if share > self.script_share or (main == scripts.KANA and "Hiragana" not in own):
            foreign = {s: n for s, n in counts.items() if s not in own}
            script = scripts.dominant_script(foreign) or scripts.OTHER
            line = _Line(
                Kind.FOREIGN,
                FOREIGN_SCRIPT,
                f"script={script} share={share:.2f}",
                words=words,
                quoted=_quoted(text, words),
            )
            if script == "Latin" and (words < self.min_words or not hit_counts(toks)[1]):
                # Brand names and codes stay inside the text; at the page's edges a line
                # written wholly in Latin letters (a menu above a Russian article) goes.
                line.kind = Kind.EDGE if share == 1.0 else Kind.NEUTRAL
            return line
        if scripts.dominant_script(counts) in scripts.UNSPACED:
            # No word boundaries to count and no stopword lists: the script check decides,
            # except for Han alone in a Japanese page (Chinese, or a Japanese title).
            letters = sum(counts.values())
            if language == "ja" and main == "Han" and letters >= 2 * self.lone_min_words:
                return _Line(Kind.OPEN, words=words, quoted=_quoted(text, words))
            return _Line(Kind.HOME if letters >= 4 else Kind.NEUTRAL, words=words, sure=True)
        if words < self.min_words:
            return _Line(Kind.NEUTRAL, words=words)
        if language == UNDETERMINED:
            return _Line(Kind.HOME, words=words)
        hits, long_hits = hit_counts(toks)
        if attributed_to(text, language, hits):
            own_n = hits.get(language, 0)
            sure = all(own_n > n for lang, n in hits.items() if not are_close(lang, language))
            return _Line(Kind.HOME, language=language, words=words, sure=sure)
        own_hits = hits.get(language, 0)
        rivals = {
            lang
            for lang, n in hits.items()
            if n >= self.min_stopwords
            and own_hits * 3 <= n
            and long_hits.get(lang, 0)
            and not are_close(lang, language)
        }
        if rivals and not _title_case(text):
            found = ask(text)
            if found is None:
                return _Line(Kind.HOME, words=words)
            line = _Line(
                Kind.HOME, language=found.language, words=words, quoted=_quoted(text, words)
            )
            if found.language in rivals and found.score >= self.min_score:
                line.kind, line.reason = Kind.FOREIGN, FOREIGN_LINE
                line.detail = f"language={found.language} p={found.score:.2f}"
            line.sure = found.language == language
            return line
        if own_hits or (language not in STOPWORDS and not hits):
            # A script only the document's language writes (Greek, Hebrew, Thai...) is sure.
            sure = scripts.SCRIPT_LANGUAGE.get(scripts.written_in(language) or "") == language
            return _Line(
                Kind.HOME, language=language if own_hits else "", words=words, sure=sure
            )
        return _Line(Kind.OPEN, words=words, quoted=_quoted(text, words))

    def _check_share(
        self, texts: Sequence[str], lines: list[_Line], reasons: dict[int, str]
    ) -> None:
        """When the lines found in another language of the document's script (removed or not)
        are a large part of the document (more than ``max_foreign_share`` of its lines with
        letters *and* of their characters), the page is bilingual or its language was
        misjudged: then no line goes for its language. Checked once every line has been
        judged, the edges and the neighbours of foreign lines included."""
        foreign = {
            i
            for i, line in enumerate(lines)
            if line.reason == FOREIGN_LINE and line.kind in (Kind.FOREIGN, Kind.WEAK)
        }
        if not foreign:
            return
        judged = [i for i, t in enumerate(texts) if scripts.has_letters(t)]
        chars = sum(len(texts[i]) for i in judged)
        share = self.max_foreign_share
        foreign_chars = sum(len(texts[i]) for i in foreign)
        if len(foreign) > share * len(judged) and foreign_chars > share * chars:
            for i in [i for i, reason in reasons.items() if reason == FOREIGN_LINE]:
                del reasons[i]

    def _tipped(self, lines: list[_Line], language: str) -> str | None:
        """The language of most lines found in another language, when they outnumber the
        lines found in the document's language (``None`` otherwise)."""
        if language == UNDETERMINED:
            return None
        foreign = Counter(
            line.language
            for line in lines
            if line.reason == FOREIGN_LINE and line.kind in (Kind.FOREIGN, Kind.WEAK)
        )
        if not foreign:
            return None
        home = sum(1 for line in lines if line.kind is Kind.HOME and line.words >= self.min_words)
        (best, n), = sorted(foreign.items(), key=lambda kv: (-kv[1], kv[0]))[:1]
        return best if n > home else None

    # -- edges ----------------------------------------------------------------------------------

    def _edges(
        self, texts: Sequence[str], lines: list[_Line], language: str, ask: _Langdetect
    ) -> list[int]:
        """The lines to remove at the page's edges: from the first line (then from the last)
        up to the last line in another script or language met before the first line of the
        document's language. Lines of ``min_words`` words not surely in the document's
        language are judged on the way (:meth:`_judge_at_edge`); shorter lines of the
        document's script go with the lines around them: removed between the edge and a
        foreign line (a run of menu words is one block), kept next to the main text."""
        chosen: list[int] = []
        n = len(lines)
        for order in (range(n), range(n - 1, -1, -1)):
            far = 0
            walked: list[int] = []
            for i in order:
                line = lines[i]
                if line.kind is Kind.HOME and line.sure:
                    break
                if line.kind in (Kind.OPEN, Kind.HOME) and self._judged_by_language(
                    texts[i], language
                ):
                    self._judge_at_edge(texts[i], line, language, ask)
                if line.kind is Kind.HOME:
                    break
                walked.append(i)
                if line.kind in (Kind.FOREIGN, Kind.EDGE):
                    far = len(walked)
            reason = ""
            for i in reversed(walked[:far]):  # from the main text outward
                line = lines[i]
                if line.kind is Kind.NEUTRAL and reason and scripts.has_letters(texts[i]):
                    line.reason, line.detail = reason, "in a block of lines at the page's edge"
                reason = line.reason or reason
                if line.reason and i not in chosen:
                    chosen.append(i)
        return chosen

    @staticmethod
    def _judged_by_language(text: str, language: str) -> bool:
        """Is a line written in the script of the document's language (or in Latin letters in
        a Japanese page, which writes them beside its own), so that langdetect can tell?
        Lines in the other script of a page written in two (Serbian) are not."""
        main = scripts.line_vote(text)[0]
        return main is not None and ForeignLines._judged_script(main, language)

    @staticmethod
    def _judged_script(main: str, language: str) -> bool:
        """:meth:`_judged_by_language` of a line whose main script is ``main``."""
        if language == UNDETERMINED:
            return False
        return scripts.writes(language, main) or (main == "Latin" and language == "ja")

    def _judge_at_edge(self, text: str, line: _Line, language: str, ask: _Langdetect) -> None:
        """Judge a line of the document's script at the page's edge with langdetect: foreign
        when it names another language with ``min_score``, the line's stopwords do not favour
        the document's language (lines under ``lone_min_words`` words need more stopwords of
        the other language), it is not title case, and a close language (Danish beside
        Norwegian) has ``2 * min_words + 2`` words to go on; otherwise the line is home."""
        dense = sum(n for s, n in scripts.script_counts(text).items() if s in scripts.UNSPACED)
        long_line = line.words >= self.lone_min_words or dense >= 2 * self.lone_min_words
        judged = line.words >= self.min_words or long_line
        found = ask(text) if judged else None
        line.kind, line.sure = Kind.HOME, True
        if found is None or not found.determined or found.language == language:
            return
        line.language = found.language
        # Against a language not close to the document's, what counts is how unlikely the
        # document's language is (a line langdetect finds 0.7 Czech and 0.3 Slovak is surely
        # not Norwegian).
        score = found.score
        if not are_close(found.language, language):
            score = 1.0 - sum(p for code, p in found.candidates if are_close(code, language))
        hits, _ = hit_counts(tokens(text))
        theirs, ours = hits.get(found.language, 0), hits.get(language, 0)
        if (
            score >= self.min_score
            and (theirs > ours or (theirs == ours and long_line))
            and not _title_case(text)
            and (not are_close(found.language, language) or line.words >= 2 * self.min_words + 2)
        ):
            line.kind, line.sure, line.reason = Kind.FOREIGN, False, FOREIGN_LINE
            line.detail = f"language={found.language} p={score:.2f} at the page's edge"

    def _settle(self, text: str, line: _Line, language: str, ask: _Langdetect) -> None:
        """Judge an open line with langdetect alone: weak foreign or home."""
        found = ask(text)
        line.language = found.language if found else ""
        if (
            found is not None
            and found.determined
            and not are_close(found.language, language)
            and found.score >= self.weak_score
        ):
            line.kind = Kind.WEAK
            line.reason = FOREIGN_LINE
            line.detail = f"language={found.language} p={found.score:.2f}"
        else:
            line.kind = Kind.HOME

    # -- runs -----------------------------------------------------------------------------------

    def _runs(
        self, texts: Sequence[str], lines: list[_Line], language: str, ask: _Langdetect
    ) -> list[tuple[int, int, bool]]:
        """Runs of foreign lines as (first, last, touches an edge), grown from each foreign line
        over neutral, open-then-weak and foreign lines."""
        runs: list[tuple[int, int, bool]] = []
        n = len(lines)
        i = 0
        while i < n:
            if lines[i].kind is not Kind.FOREIGN:
                i += 1
                continue
            start, _, edge_before = self._grow(texts, lines, i, -1, language, ask)
            end, j, edge_after = self._grow(texts, lines, i, 1, language, ask)
            runs.append((start, end, edge_before or edge_after))
            i = j
        return runs

    def _grow(
        self, texts: Sequence[str], lines: list[_Line], i: int, step: int, language: str,
        ask: _Langdetect,
    ) -> tuple[int, int, bool]:
        """Walk from line ``i`` by ``step`` while lines join the run: the furthest foreign or weak
        line reached (``i`` if none), where the walk stopped, and whether it reached an edge."""
        far, j = i, i + step
        while 0 <= j < len(lines):
            if not self._joins(texts, lines, j, language, ask):
                return far, j, False
            if lines[j].kind in (Kind.FOREIGN, Kind.WEAK):
                far = j
            j += step
        return far, j, True

    def _joins(
        self, texts: Sequence[str], lines: list[_Line], j: int, language: str, ask: _Langdetect
    ) -> bool:
        line = lines[j]
        if line.kind is Kind.OPEN:
            self._settle(texts[j], line, language, ask)
        return line.kind is not Kind.HOME


@dataclass(frozen=True)
class Keep:
    """Drop documents whose language is not in ``languages`` (any language when empty) or whose
    language score is under ``min_score``; ``und`` documents are dropped unless listed."""

    languages: tuple[str, ...] = ()
    min_score: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "languages", tuple(self.languages))
        if not 0.0 <= self.min_score <= 1.0:
            msg = f"min_score must be between 0 and 1, not {self.min_score!r}"
            raise ValueError(msg)

    def __call__(self, doc: Document) -> Decision:
        language = doc.annotations.get("language", UNDETERMINED)
        score = doc.annotations.get("language_score", 0.0) or 0.0
        if self.languages and language not in self.languages:
            return drop(UNWANTED)
        if not self.languages and language == UNDETERMINED:
            return drop(UNWANTED)
        if score < self.min_score:
            return drop(UNWANTED)
        return keep()
