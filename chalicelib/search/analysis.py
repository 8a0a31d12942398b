"""How search reads text: one analysis chain for osmem-server and Amazon OpenSearch Service alike.

Pure: no I/O. Two halves, chosen by what both engines were measured to do the same way (see
infra/SEARCH.md):

* **Japanese, in the engine.** ``title`` and ``body`` are analysed by ``ja``: a ``mapping`` char
  filter that folds full-width ASCII and half-width katakana before tokenising (the NFKC of those
  blocks, generated below), ``kuromoji_tokenizer`` in search mode (long compounds are cut into
  their parts: ``京都府立大学`` → ``京都 府立 大学``, ``ファンコミュニティ`` → ``ファン コミュニティ``),
  ``kuromoji_baseform`` (``買った`` → ``買う``), ``cjk_width`` and ``lowercase``. Words are matched
  morpheme by morpheme, so ``京都`` does not match ``東京都`` (``東京 都``) as its bigrams did.
  The ``.part`` sub-field holds every infix of every morpheme (``ngram`` 1..``PART_MAX`` with the
  morpheme kept) and is searched with ``ja``: a query morpheme matches a longer morpheme that
  contains it (``スイッチ`` in the unknown word ``ニンテンドースイッチ``, ``キズナ`` in
  ``キズナゲームス``), but never across a morpheme boundary, which is what kept the bigrams'
  recall without their false hits. ``.script`` holds the infixes of script runs (the ``standard``
  tokenizer: a katakana word is one run whatever its context, where kuromoji may cut an unknown
  one by what precedes it, ``。スマホで`` → ``スマ ホ``); katakana query words are looked up there.
* **English word forms, in Python.** The engines' ``english``/``porter`` stemmers exist in both
  but over-stem (``customers`` → ``custom``, ``news`` → ``new``, ``organization`` → ``organ``), and
  no lighter one is in osmem. :func:`stem` is the inflectional part of Porter2 (its steps 0, 1a,
  1b, 1c and the final-e rule of step 5): plural and singular, ``-ing``/``-ed`` and ``-e`` meet
  (``cameras``/``camera``, ``blogging``/``blogged``/``blog``, ``updated``/``update``), derived
  words stay apart (``customer``/``custom``). Documents carry ``title_stems``/``body_stems`` (the
  stems of their Latin words, space-separated, indexed with ``whitespace``); a Latin query word
  is stemmed here and looked up there, and also matched as written in ``title``/``body`` (which
  ranks exact forms first and gives the highlight).

Everything else the engines would need to agree on is avoided: no stop words, no part-of-speech
filter, no user dictionary, no ICU (osmem has none of them).
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

#: Longest infix kept in the ``.part`` sub-fields (a longer query morpheme still matches whole).
PART_MAX = 8

#: Char-filter rules: full-width letters and digits to ASCII, half-width katakana (voiced and
#: semi-voiced pairs first, so the longest match wins) to full-width, the ideographic space to a space.
_FULLWIDTH = [chr(c) for c in range(0xFF10, 0xFF1A)] + [chr(c) for c in range(0xFF21, 0xFF3B)]
_FULLWIDTH += [chr(c) for c in range(0xFF41, 0xFF5B)]
_HALFWIDTH_KANA = [chr(c) for c in range(0xFF66, 0xFF9E)]


def _width_rules() -> list[str]:
    def esc(text: str) -> str:
        return "".join(f"\\u{ord(ch):04x}" for ch in text)

    rules = []
    for base in _HALFWIDTH_KANA:
        for mark in ("\uff9e", "\uff9f"):  # ﾞ ﾟ
            pair = unicodedata.normalize("NFKC", base + mark)
            if len(pair) == 1:  # a real voiced/semi-voiced kana (ｶﾞ -> ガ), not kana + a loose mark
                rules.append(f"{esc(base + mark)}=>{esc(pair)}")
    for ch in [*_HALFWIDTH_KANA, "\uff9e", "\uff9f", "\uff70", *_FULLWIDTH]:
        rules.append(f"{esc(ch)}=>{esc(unicodedata.normalize('NFKC', ch))}")
    rules.append("\\u3000=>\\u0020")
    return sorted(set(rules), key=lambda r: (-len(r.split("=>")[0]), r))


WIDTH_RULES = _width_rules()

#: The index ``settings.analysis`` (and ``max_ngram_diff``, which the ``.part`` n-grams need).
ANALYSIS: dict[str, Any] = {
    "char_filter": {"ja_width": {"type": "mapping", "mappings": WIDTH_RULES}},
    "tokenizer": {
        # discard_compound_token: Lucene would also emit the whole compound; osmem never does.
        "ja_search": {"type": "kuromoji_tokenizer", "mode": "search", "discard_compound_token": True}
    },
    "filter": {"ja_part": {"type": "ngram", "min_gram": 1, "max_gram": PART_MAX, "preserve_original": True}},
    "analyzer": {
        "ja": {
            "type": "custom",
            "char_filter": ["ja_width"],
            "tokenizer": "ja_search",
            "filter": ["kuromoji_baseform", "cjk_width", "lowercase"],
        },
        "ja_part": {
            "type": "custom",
            "char_filter": ["ja_width"],
            "tokenizer": "ja_search",
            "filter": ["kuromoji_baseform", "cjk_width", "lowercase", "ja_part"],
        },
        # Script runs (a katakana word is one token whatever its context) and their infixes.
        "ja_script": {
            "type": "custom",
            "char_filter": ["ja_width"],
            "tokenizer": "standard",
            "filter": ["cjk_width", "lowercase", "ja_part"],
        },
    },
}
INDEX_SETTINGS: dict[str, Any] = {"max_ngram_diff": PART_MAX - 1, "analysis": ANALYSIS}

#: A searched text field (title, body): morphemes; their infixes in ``.part``; the infixes of
#: its script runs in ``.script`` (looked up with ``term``, for katakana words).
TEXT_FIELD: dict[str, Any] = {
    "type": "text",
    "analyzer": "ja",
    "fields": {
        "part": {"type": "text", "analyzer": "ja_part", "search_analyzer": "ja"},
        "script": {"type": "text", "analyzer": "ja_script", "search_analyzer": "keyword"},
    },
}
#: The English stems of a text field, computed by :func:`stem_text`.
STEMS_FIELD: dict[str, Any] = {"type": "text", "analyzer": "whitespace"}

#: Kana, CJK ideographs, half-width katakana and Hangul, as code point ranges: a character class of
#: these compiled to a 6 ms charset at every cold start, for a test each search runs a few times.
_CJK_RANGES = (
    (0x3040, 0x30FF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xFF66, 0xFF9F),
    (0xAC00, 0xD7AF),
)
_LATIN_WORD = re.compile(r"[a-z0-9]+")
_KATAKANA_WORD = re.compile(r"[\u30a1-\u30fa\u30fc-\u30ff]+")


def normalize(text: str) -> str:
    """NFKC and lower case: full-width and half-width forms, and letter case, stop mattering."""
    return unicodedata.normalize("NFKC", text).lower()


def has_cjk(word: str) -> bool:
    """Whether a word has Japanese (or other CJK) characters: it is matched by morphemes."""
    return any(lo <= ord(c) <= hi for c in normalize(word) if ord(c) >= 0x3040 for lo, hi in _CJK_RANGES)


def is_katakana(word: str) -> bool:
    """Whether a word is katakana only (after NFKC): it is also looked up inside katakana runs."""
    return bool(_KATAKANA_WORD.fullmatch(normalize(word)))


# -- Porter2, inflectional steps only ------------------------------------------------------------

_VOWELS = frozenset("aeiouy")
_DOUBLES = ("bb", "dd", "ff", "gg", "mm", "nn", "pp", "rr", "tt")
#: Porter2's exceptional forms (step 0) that concern inflections, and its invariant words.
_EXCEPTIONS = {"skis": "ski", "skies": "sky", "dying": "die", "lying": "lie", "tying": "tie"}
_INVARIANT = frozenset({"sky", "news", "howe", "atlas", "cosmos", "bias", "andes"})
_AFTER_1A = frozenset({"inning", "outing", "canning", "herring", "earring", "proceed", "exceed", "succeed"})


def _is_vowel(word: str, i: int) -> bool:
    return word[i] in _VOWELS and word[i] != "Y"


def _region(word: str, start: int) -> int:
    """The start of the region after the first non-vowel that follows a vowel, from ``start``."""
    for i in range(start + 1, len(word)):
        if not _is_vowel(word, i) and _is_vowel(word, i - 1):
            return i + 1
    return len(word)


def _r1(word: str) -> int:
    for prefix in ("gener", "commun", "arsen"):
        if word.startswith(prefix):
            return len(prefix)
    return _region(word, 0)


def _ends_short_syllable(word: str) -> bool:
    n = len(word)
    if n == 2:
        return _is_vowel(word, 0) and not _is_vowel(word, 1)
    if n >= 3:
        return (
            not _is_vowel(word, n - 3)
            and _is_vowel(word, n - 2)
            and not _is_vowel(word, n - 1)
            and word[n - 1] not in "wxY"
        )
    return False


def _step_1a(word: str) -> str:
    if word.endswith("sses"):
        return word[:-2]
    if word.endswith(("ied", "ies")):
        return word[:-2] if len(word) > 4 else word[:-1]
    if word.endswith(("us", "ss")):
        return word
    if word.endswith("s") and any(_is_vowel(word, i) for i in range(len(word) - 2)):
        return word[:-1]
    return word


def _step_1b(word: str, r1: int) -> str:
    for suffix in ("eedly", "eed"):
        if word.endswith(suffix):
            return word[: -len(suffix)] + "ee" if len(word) - len(suffix) >= r1 else word
    for suffix in ("ingly", "edly", "ing", "ed"):
        if word.endswith(suffix):
            stem = word[: -len(suffix)]
            if not any(_is_vowel(stem, i) for i in range(len(stem))):
                return word
            if stem.endswith(("at", "bl", "iz")):
                return stem + "e"
            if stem.endswith(_DOUBLES):
                return stem[:-1]
            if _r1(stem) >= len(stem) and _ends_short_syllable(stem):
                return stem + "e"  # a short word: hoping -> hope
            return stem
    return word


def _step_1c(word: str) -> str:
    if len(word) > 2 and word[-1] in "yY" and not _is_vowel(word, len(word) - 2):
        return word[:-1] + "i"
    return word


def _final_e(word: str) -> str:
    if not word.endswith("e"):
        return word
    r1 = _r1(word)
    r2 = _region(word, r1) if r1 < len(word) else len(word)
    at = len(word) - 1
    if at >= r2 or (at >= r1 and not _ends_short_syllable(word[:-1])):
        return word[:-1]
    return word


def stem(word: str) -> str:
    """The inflectional Porter2 stem of a lower-case Latin word (others are returned as they are)."""
    if len(word) <= 2 or not word.isascii() or not word.isalpha():
        return word
    if word in _INVARIANT:
        return word
    if word in _EXCEPTIONS:
        return _EXCEPTIONS[word]
    w = "Y" + word[1:] if word[0] == "y" else word
    w = "".join("Y" if ch == "y" and i > 0 and w[i - 1] in _VOWELS else ch for i, ch in enumerate(w))
    w = _step_1a(w)
    if w in _AFTER_1A:
        return w
    w = _step_1b(w, _r1(w))
    w = _step_1c(w)
    w = _final_e(w)
    return w.replace("Y", "y")


def stems(text: str) -> list[str]:
    """The stems of the Latin words of a text (normalised first), in order."""
    return [stem(w) for w in _LATIN_WORD.findall(normalize(text))]


def stem_text(text: str) -> str:
    """What a ``*_stems`` field holds: the stems of the text's Latin words, space-separated."""
    return " ".join(stems(text))


# -- parity of the engines -------------------------------------------------------------------------


class Samples:
    """Texts of each analyzer with the tokens osmem-server made of them (``analysis_samples.json``).

    ``ops check-analysis`` runs them on an engine and reports each difference (infra/SEARCH.md);
    a test runs it against osmem-server, so the file cannot drift from what the tests search with.
    Tokens are kept space-separated, one string per text.
    """

    def __init__(self, path: Path):
        self.path = path

    def _data(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.path.read_text(encoding="utf-8"))
        return data

    @property
    def texts(self) -> dict[str, list[str]]:
        return dict(self._data()["texts"])

    @property
    def tokens(self) -> dict[str, dict[str, str]]:
        return dict(self._data()["tokens"])

    def record(self, tokens: dict[str, dict[str, str]]) -> None:
        """Write ``tokens`` as the expected ones (``ops check-analysis --record``)."""
        data = {"texts": self.texts, "tokens": tokens}
        self.path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


ANALYSIS_SAMPLES = Samples(Path(__file__).with_name("analysis_samples.json"))
