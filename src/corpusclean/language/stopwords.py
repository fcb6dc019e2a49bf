"""Small stopword lists: a cheap first opinion on a line's language.

Each list holds the most frequent function words of one language (articles, prepositions,
conjunctions, pronouns, forms of "to be"), lowercase, as tokens of letters only (French
``l'homme`` gives the tokens ``l`` and ``homme``). Languages are named with langdetect's codes.
The lists overlap on purpose (``de`` is Spanish, French, Portuguese and Dutch): callers compare
counts, and a tie is no evidence either way.

>>> hits = stopword_hits("Le chat est sur la table")
>>> hits["fr"], hits["en"]
(4, 0)
>>> attributed_to("The cat is on the table", "en")
True
"""

# ruff: noqa: RUF001  (multilingual text: letters of other scripts are meant)

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

import regex

_LISTS: dict[str, str] = {
    # Latin script
    "en": "the of and to a in is it that for on with as was are be this by at from or an not "
    "have has had but his her they you we he she its their which were been will would "
    "can there all if so our your more about who what when",
    "de": "der die das und ist nicht ein eine einer eines einem einen zu den dem des mit sich "
    "auf für von im in auch als an es sie er wir ich nach bei aus wie oder aber noch nur "
    "wird werden wurde sind hat haben war kann über vom zum zur dass um",
    "fr": "le la les de des du un une et est en dans que qui pour pas sur au aux par avec ce "
    "cette ces il elle ils nous vous je on son sa ses se ne plus ou mais sont été être "
    "l d qu",
    "es": "el la los las de del y en que un una es por con para no se su sus al lo como más "
    "pero este esta está son fue ha han muy sin sobre también entre cuando ya le",
    "it": "il lo la i gli le di del della dei delle e è un una che in per non con su da dal al "
    "alla si sono come ma più anche questo questa ha nel nella l",
    "pt": "o a os as de do da dos das e é em no na nos nas um uma que para com não por se ao "
    "mais como mas foi são seu sua pelo pela também ou",
    "nl": "de het een en van in is dat op te zijn niet met voor die er aan als ook maar om bij "
    "of door naar wordt worden was heeft deze dit wij ik je ze hij nog",
    "pl": "i w z na do się nie to jest że o a jak ale po od za co przez dla tak jego jej są "
    "być by tym ten ta już może lub oraz przy",
    "cs": "a v se na je že to s z o do i k ve jako pro by jsou bylo byl jeho ale od po jak už "
    "tak než které který která jsem jste také",
    "sk": "a v sa na je že to s z o do i k vo ako pre by sú bolo bol jeho ale od po už tak "
    "než ktoré ktorý ktorá som ste aj",
    "sv": "och i att det som en på är av för med till den har de inte om ett var jag men ska "
    "kan så vi från eller sig hon han",
    "da": "og i at det som en på er af for med til den har de ikke om et var jeg men skal kan "
    "så vi fra eller sig hun han",
    "no": "og i å det som en på er av for med til den har de ikke om et var jeg men skal kan "
    "så vi fra eller seg hun han",
    "fi": "ja on ei se että oli hän mutta tai kun niin kuin myös ovat ole jos sen tämä joka "
    "mitä vain nyt sitä kanssa",
    "hu": "a az és egy hogy nem is van volt meg de ez el csak mint már vagy még azt ezt kell lesz",
    "ro": "și în de la cu pe un o a nu se că din este sunt care pentru mai sau ca fost al ale "
    "lui ce iar",
    "hr": "i u je se na da za od su ne s o kao što to a ali koji koja koje biti bio sam smo ili iz",
    "sl": "in je v se na da za od so ne s o kot to pa ki bi bil sem smo ali iz tudi",
    "tr": "ve bir bu da de için ile ne çok daha olarak gibi olan ama en her değil var kadar sonra",
    "id": "dan yang di ini itu dengan untuk dari tidak ke pada akan adalah dalam juga ada oleh "
    "saya kami mereka atau",
    "ca": "el la els les de del i en que un una és per amb no es al als com més però o aquest "
    "aquesta són va ha",
    "et": "ja on ei et see oli kui mis ka ning aga nii ta ma need kes selle või",
    "lv": "un ir ar par no uz kas ka lai bet arī tas to vai nav bija",
    "lt": "ir yra kad su į iš ar ne tai bet kaip jo jis ji buvo kurie dėl apie",
    "sq": "dhe të në e një për me që nga është i se si nuk do ka janë",
    "af": "die en van is in nie het n dit wat vir op met te hy sy ons was word",
    "tl": "ang ng sa na mga at ay si ni para kung hindi ito ko mo siya",
    "sw": "na ya wa kwa ni za katika la kuwa hii cha vya kama hiyo lakini",
    "cy": "y yr a ac mae yn i o ar am ei nid bod gyda hefyd",
    "vi": "và của là có không các được cho với những một người trong này đã để khi",
    "so": "iyo ee ka oo u in ay waa ku la ah soo",
    # Cyrillic script
    "ru": "и в не на что с по как это он она они я мы вы к из у за от для же но был была было "
    "были его её то так только уже все ещё или",
    "uk": "і в не на що з по як це він вона вони я ми ви до із у за від для же але був була "
    "було були його її то так тільки вже все ще або та й",
    "bg": "и в не на че с по как това той тя те аз ние вие от за да се е са но бил беше бяха му ги",
    "mk": "и во не на дека со по како тоа тој таа тие јас ние вие од за да се е но беше",
    # Arabic script
    "ar": "في من على إلى عن أن التي الذي هذا هذه مع كان لا ما هو هي كل قد بين بعد",
    "fa": "و در به از که این را با است برای آن یک می تا هم شد",
    "ur": "کے کی ہے میں اور سے کو نے کا یہ ہیں تھا پر",
    # Devanagari script
    "hi": "के है में की और से को का एक यह पर हैं भी नहीं कि लिए था",
    "mr": "आणि आहे या हे की व ते त्या एक होते आहेत",
    "ne": "र छ को मा पनि गरेको थियो यो भएको लागि",
}

#: Stopwords per language (langdetect codes).
STOPWORDS: Mapping[str, frozenset[str]] = {
    lang: frozenset(words.split()) for lang, words in _LISTS.items()
}

#: Languages that share too much vocabulary for a line-level decision between them.
CLOSE_LANGUAGES: tuple[frozenset[str], ...] = (
    frozenset({"no", "da"}),
    frozenset({"cs", "sk"}),
    frozenset({"hr", "sl", "sr", "bs"}),
    frozenset({"id", "ms"}),
    frozenset({"bg", "mk"}),
    frozenset({"hi", "mr", "ne"}),
)

#: The languages whose list holds each stopword, in the order of their codes.
_INDEX: dict[str, tuple[str, ...]] = {}
for _lang, _words in sorted(STOPWORDS.items()):
    for _w in _words:
        _INDEX[_w] = (*_INDEX.get(_w, ()), _lang)

TOKEN_RE = regex.compile(r"[\p{L}\p{M}]+")


def tokens(text: str) -> list[str]:
    """The lowercase words of ``text`` (runs of letters and marks).

    >>> tokens("L'homme, 2 ÉTÉS!")
    ['l', 'homme', 'étés']
    """
    found: list[str] = TOKEN_RE.findall(text.lower())
    return found


def stopword_hits(text: str, *, min_len: int = 1) -> Counter[str]:
    """How many different stopwords of each language ``text`` has (words of at least
    ``min_len`` letters; a word repeated counts once).

    >>> stopword_hits("-o add.c -o add.wasm")["cy"], stopword_hits("o a o", min_len=2)["pt"]
    (1, 0)
    """
    return hits_of(tokens(text), min_len=min_len)


def hits_of(words: Iterable[str], *, min_len: int = 1) -> Counter[str]:
    """:func:`stopword_hits` for words already split by :func:`tokens`."""
    hits: Counter[str] = Counter()
    for word in set(words):
        if len(word) >= min_len:
            hits.update(_INDEX.get(word, ()))
    return hits


def hit_counts(words: Iterable[str]) -> tuple[Counter[str], Counter[str]]:
    """``hits_of(words)`` and ``hits_of(words, min_len=2)``: the stopwords of every length,
    and those of two letters or more (a one-letter stopword is weak evidence).

    >>> hits, long_hits = hit_counts(tokens("o gato e o cão"))
    >>> hits["pt"], long_hits
    (2, Counter())
    """
    words = list(words)
    return hits_of(words), hits_of(words, min_len=2)


def attributed_to(text: str, language: str, hits: Mapping[str, int] | None = None) -> bool:
    """True when ``text`` has stopwords of ``language`` and no language has more.

    >>> attributed_to("Sign up for our newsletter", "de")
    False
    >>> attributed_to("de la casa", "es"), attributed_to("de la casa", "fr")
    (True, True)
    """
    hits = stopword_hits(text) if hits is None else hits
    own = hits.get(language, 0)
    return own > 0 and own >= max(hits.values())


def are_close(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` are the same or too close to tell apart line by line.

    >>> are_close("no", "da"), are_close("en", "de")
    (True, False)
    """
    return a == b or any(a in g and b in g for g in CLOSE_LANGUAGES)
