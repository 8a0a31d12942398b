"""GET /search as an OpenSearch request: the one place that builds the query.

Pure: no I/O. Three rules live here and nowhere else:

* every word of the query must occur in the document, each in the title or the body
  (document-level AND: one clause per word in a bool ``must``, :func:`word_match`). A Japanese
  word is a phrase of its morphemes (``chalicelib.search.analysis``), each found as a morpheme or
  inside a longer one, never across a morpheme boundary (``京都`` does not find ``東京都``); a
  Latin word matches as written or by its English stem (``customers`` finds ``customer``);
* the visibility filter is a ``filter`` clause of the query itself, never a post-filter:
  communities and members-only posts for everyone, friends-only posts of the caller's
  friends, private posts of the caller alone;
* ranking: relevance times a weight: ``rank_boost`` for posts (resolved inquiries, official
  answers), ``log2p(member_count)`` for communities.

Pagination is ``search_after`` on ``[_score, doc_id]``. osmem-server reports scores rounded
to float32 and then compares ``search_after`` against its unrounded scores, so a page that
ends in a tie would never continue. The next page therefore asks from just above the last
score and drops the documents already shown (same score band, ``doc_id`` not after the last
one), which is exact on Amazon OpenSearch Service too.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any, Literal

from msgspec import Struct

from chalicelib.search.analysis import has_cjk, is_katakana, normalize, stems

SearchType = Literal["all", "posts", "communities"]

MAX_TERMS = 8
#: Where a word is looked for: morphemes (title counts double), their infixes, English stems.
FIELDS = ["title^2", "body"]
PART_FIELDS = ["title.part^2", "body.part"]
#: Where a word is looked up whole (``term``): inside one morpheme, inside one katakana run.
INFIX_FIELDS = {"title.part": 2.0, "body.part": 1.0}
KATAKANA_FIELDS = {"title.script": 2.0, "body.script": 1.0}
STEM_FIELDS = ["title_stems^2", "body_stems"]
#: A word found only inside a longer morpheme, or only by its stem, ranks below an exact one.
PART_BOOST = 0.5
#: Highlight delimiters: private-use characters that cannot survive into escaped text.
PRE, POST = "\ue000", "\ue001"
SNIPPET_CHARS = 120
#: Relative width of the score band that counts as "the same score" across pages.
SCORE_BAND = 1e-5

TYPE_FILTER: dict[SearchType, list[str]] = {
    "all": ["post", "community"],
    "posts": ["post"],
    "communities": ["community"],
}


def terms(q: str) -> list[str]:
    """The words of a query (ASCII or full-width spaces separate them), at most MAX_TERMS."""
    return [t for t in q.split() if t][:MAX_TERMS]


def word_match(word: str) -> dict[str, Any]:
    """The clause one query word must satisfy in the title or the body."""
    if has_cjk(word):
        # Its morphemes in a row, each whole or inside a longer one; or the word whole inside one
        # morpheme (the query may be cut where the document is not: キズ|ナ in キズナゲームス); a
        # katakana word also inside a katakana run (a document may cut it by context: スマ|ホ).
        whole = normalize(word)
        infix = dict(INFIX_FIELDS, **(KATAKANA_FIELDS if is_katakana(word) else {}))
        return {
            "bool": {
                "should": [
                    {"multi_match": {"query": word, "type": "phrase", "fields": FIELDS}},
                    {"multi_match": {"query": word, "type": "phrase", "fields": PART_FIELDS, "boost": PART_BOOST}},
                    *({"term": {field: {"value": whole, "boost": PART_BOOST * b}}} for field, b in infix.items()),
                ],
                "minimum_should_match": 1,
            }
        }
    should: list[dict[str, Any]] = [{"multi_match": {"query": word, "fields": FIELDS, "operator": "and"}}]
    stemmed = stems(word)
    if stemmed:
        should.append(
            {"multi_match": {"query": " ".join(stemmed), "fields": STEM_FIELDS, "operator": "and", "boost": PART_BOOST}}
        )
    return {"bool": {"should": should, "minimum_should_match": 1}}


def visibility_filter(caller_id: str, friend_ids: Iterable[str]) -> dict[str, Any]:
    """What the caller may read: everything for members, friends-only of friends, private of their own."""
    friends = sorted(set(friend_ids))
    readable: list[dict[str, Any]] = [
        {"term": {"visibility": "members"}},
        {"term": {"author_id": caller_id}},
    ]
    if friends:
        readable.append({"bool": {"filter": [{"term": {"visibility": "friends"}}, {"terms": {"author_id": friends}}]}})
    return {"bool": {"should": readable, "minimum_should_match": 1}}


def search_body(
    q: str,
    search_type: SearchType,
    caller_id: str,
    friend_ids: Iterable[str],
    size: int,
    after: tuple[float, str] | None = None,
    community_id: str | None = None,
) -> dict[str, Any]:
    """The OpenSearch request body of one page of results (never a banned member's posts).

    With ``community_id``, only that community's posts (community documents have no ``community_id``).
    """
    words = terms(q)
    matches: list[dict[str, Any]] = [word_match(word) for word in words]
    query: dict[str, Any] = {
        "bool": {
            "must": matches or [{"match_none": {}}],
            "filter": [
                {"terms": {"type": TYPE_FILTER[search_type]}},
                visibility_filter(caller_id, friend_ids),
                *([{"term": {"community_id": community_id}}] if community_id else []),
            ],
        }
    }
    # A ban marks the author's posts; the documents carry the mark (documents.post_document).
    query["bool"]["must_not"] = [{"term": {"hidden": True}}]
    body: dict[str, Any] = {
        "query": {
            "function_score": {
                "query": query,
                "functions": [
                    {"filter": {"term": {"type": "post"}}, "field_value_factor": {"field": "rank_boost", "missing": 1}},
                    {
                        "filter": {"term": {"type": "community"}},
                        "field_value_factor": {"field": "member_count", "modifier": "log2p", "missing": 0},
                    },
                ],
                "score_mode": "sum",
                "boost_mode": "multiply",
            }
        },
        "sort": [{"_score": "desc"}, {"doc_id": "asc"}],
        "size": size,
        "highlight": {"pre_tags": [PRE], "post_tags": [POST], "fields": highlight_fields(words)},
    }
    if after is not None:
        score, _ = after
        body["search_after"] = [score * (1 + SCORE_BAND) + 1e-12, ""]
    return body


#: Where the engine marks hits in a title, best first: the morphemes, then (Japanese words only)
#: the morphemes that hold the word inside them and the katakana runs. Subfields share their
#: field's text, so each gives the title as written, marked where that subfield matched; their
#: marks are merged. The body is highlighted in ``body`` alone: its subfields would double the
#: query's cost on osmem (make bench, search-latency), so a Japanese word found inside a longer
#: one is marked in the snippet here instead (:func:`snippet`).
TITLE_HIGHLIGHTS = ("title", "title.part", "title.script")
BODY_HIGHLIGHTS = ("body",)


def highlight_fields(words: Iterable[str]) -> dict[str, Any]:
    """What to highlight for ``words``: the title's subfields only when a Japanese word can match there."""
    title = TITLE_HIGHLIGHTS if any(has_cjk(w) for w in words) else TITLE_HIGHLIGHTS[:1]
    fields: dict[str, Any] = {field: {"number_of_fragments": 0} for field in title}
    fields.update({field: {"fragment_size": SNIPPET_CHARS, "number_of_fragments": 1} for field in BODY_HIGHLIGHTS})
    return fields


def already_shown(hit: Mapping[str, Any], after: tuple[float, str] | None) -> bool:
    """Whether ``hit`` was on an earlier page (see the module docstring)."""
    if after is None:
        return False
    score, last_id = after
    hit_score, hit_id = float(hit["sort"][0]), str(hit["sort"][1])
    if hit_score > score * (1 + SCORE_BAND) + 1e-12:
        return True
    return hit_score >= score * (1 - SCORE_BAND) - 1e-12 and hit_id <= last_id


def position(hit: Mapping[str, Any]) -> tuple[float, str]:
    """The sort position of a hit, to continue after it."""
    return float(hit["sort"][0]), str(hit["sort"][1])


def mark(fragment: str) -> str:
    """HTML-escape a highlighted fragment and turn the delimiters into ``<mark>`` tags.

    Hits that touch are one mark: a word is highlighted morpheme by morpheme (東京|都, zq|4).
    """
    fragment = fragment.replace(POST + PRE, "")
    return html.escape(fragment, quote=True).replace(PRE, "<mark>").replace(POST, "</mark>")


#: A Latin word in shown text (full-width letters and digits too: normalised before stemming).
_SHOWN_WORD = re.compile(r"[0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+")


class Marks(Struct, frozen=True):
    """What of a query the engine may leave unmarked, to be marked in the text as written.

    ``stems``: the English stems of its Latin words (what ``*_stems`` matched: ``cameras`` for
    ``camera``); ``words``: its Japanese words, normalised (found inside a longer word of a body).
    """

    stems: frozenset[str] = frozenset()
    words: tuple[str, ...] = ()


def query_marks(q: str) -> Marks:
    """The :class:`Marks` of a query."""
    words = terms(q)
    return Marks(
        stems=frozenset(s for word in words if not has_cjk(word) for s in stems(word)),
        words=tuple(dict.fromkeys(normalize(word) for word in words if has_cjk(word))),
    )


NO_MARKS = Marks()


def _marked_spans(fragment: str) -> tuple[str, set[int]]:
    """A delimited fragment as its text and the positions of its marked characters."""
    text: list[str] = []
    marked: set[int] = set()
    inside = False
    for ch in fragment:
        if ch in (PRE, POST):
            inside = ch == PRE
            continue
        if inside:
            marked.add(len(text))
        text.append(ch)
    return "".join(text), marked


def _delimited(text: str, marked: set[int]) -> str:
    out, inside = [], False
    for i, ch in enumerate(text):
        if (i in marked) != inside:
            out.append(POST if inside else PRE)
            inside = not inside
        out.append(ch)
    if inside:
        out.append(POST)
    return "".join(out)


def _stem_spans(text: str, wanted: frozenset[str]) -> list[range]:
    """Where the Latin words of a ``wanted`` stem are in ``text``."""
    if not wanted:
        return []
    return [range(m.start(), m.end()) for m in _SHOWN_WORD.finditer(text) if any(s in wanted for s in stems(m[0]))]


@lru_cache(maxsize=65536)
def _fold(ch: str) -> str:
    return normalize(ch)


def _folded_in_place(text: str) -> str | None:
    """``text`` folded one character at a time, when every character folds to one (nearly all
    text: full-width letters and punctuation do, ligatures and half-width voiced kana do not), so
    that positions in it are positions in ``text``; else None. One fold per distinct character,
    remembered: a page's snippets share most of theirs."""
    if "\uff9e" in text or "\uff9f" in text:
        return None
    table: dict[int, str] = {}
    for ch in set(text):
        folded = _fold(ch)
        if len(folded) != 1:
            return None
        table[ord(ch)] = folded
    return text.translate(table)


def _folded_by_piece(text: str) -> tuple[str, list[range]]:
    """``text`` folded piece by piece, with the text positions behind each folded character."""
    folded: list[str] = []
    source: list[range] = []
    i = 0
    while i < len(text):
        n = 2 if i + 1 < len(text) and text[i + 1] in "\uff9e\uff9f" else 1
        piece = _fold(text[i : i + n])
        folded.append(piece)
        source += [range(i, i + n)] * len(piece)
        i += n
    return "".join(folded), source


def _word_spans(text: str, word: str) -> list[range]:
    """Where the normalised ``word`` is in ``text``, compared character by character after NFKC.

    A half-width kana with its half-width (semi-)voiced mark is one character (``ｹﾞ`` is ``ゲ``).
    """
    if not word:
        return []
    flat = _folded_in_place(text)
    source = None
    if flat is None:
        flat, source = _folded_by_piece(text)
    spans, at = [], flat.find(word)
    while at >= 0:
        end = at + len(word)
        spans.append(range(at, end) if source is None else range(source[at].start, source[end - 1].stop))
        at = flat.find(word, end)
    return spans


def _add_marks(text: str, marked: set[int], marks: Marks) -> set[int]:
    """``marked`` with the query's stems and (where the engine marked none of it) its words added."""
    out = set(marked)
    for span in _stem_spans(text, marks.stems):
        out.update(span)
    for word in marks.words:
        spans = _word_spans(text, word)
        if not any(set(span) <= marked for span in spans):  # the engine marked it somewhere: trust it
            for span in spans:
                out.update(span)
    return out


def _merged_fragment(hit: Mapping[str, Any], fields: Iterable[str]) -> tuple[str, set[int]] | None:
    """The best field's first fragment, with the marks of the other fields' same fragment added.

    A title can match one word in ``title`` and another inside a longer word in ``title.part``:
    the engine marks each in its own field's copy of the text.
    """
    found = hit.get("highlight") or {}
    fragments = [str(found[field][0]) for field in fields if found.get(field)]
    if not fragments:
        return None
    text, marked = _marked_spans(fragments[0])
    for other in fragments[1:]:
        other_text, other_marked = _marked_spans(other)
        if other_text == text:
            marked |= other_marked
    return text, marked


def title_highlight(hit: Mapping[str, Any], title: str | None = None, marks: Marks = NO_MARKS) -> str:
    """The whole title with hits marked, escaped as :func:`mark` does.

    ``title`` is the title as it is now: when it differs from the indexed one (edited since), the
    index's marks belong to the old text, so the current title is marked by ``marks`` alone
    (:func:`query_marks` of the query); otherwise ``marks`` adds the English word forms.
    """
    indexed = str((hit.get("_source") or {}).get("title") or "")
    current = indexed if title is None else title
    fragment = _merged_fragment(hit, TITLE_HIGHLIGHTS)
    if fragment is not None and current == indexed:
        text, marked = fragment
        return mark(_delimited(text, _add_marks(text, marked, Marks(stems=marks.stems))))
    text = _undelimited(current)
    return mark(_delimited(text, _add_marks(text, set(), marks)))


def snippet(hit: Mapping[str, Any], marks: Marks = NO_MARKS) -> str:
    """The body fragment with hits marked, the query's word forms and inner words too.

    When the engine marked nothing in the body (the title matched, or only a word's stem or a word
    inside a longer one did), an excerpt from the first such word, else the start of the body.
    """
    fragment = _merged_fragment(hit, BODY_HIGHLIGHTS)
    if fragment is not None:
        text, marked = fragment
        return mark(_delimited(text, _add_marks(text, marked, marks)))
    body = _undelimited(str((hit.get("_source") or {}).get("body") or ""))
    spans = _stem_spans(body, marks.stems) + [span for word in marks.words for span in _word_spans(body, word)[:1]]
    first = min(spans, key=lambda span: span.start, default=range(0))
    start = max(0, first.start - SNIPPET_CHARS // 3) if first.stop > SNIPPET_CHARS else 0
    excerpt = body[start : start + SNIPPET_CHARS]
    more = "…" if start + SNIPPET_CHARS < len(body) else ""
    return ("…" if start else "") + mark(_delimited(excerpt, _add_marks(excerpt, set(), marks))) + more


def _undelimited(text: str) -> str:
    """User text with any stray highlight delimiter removed (they are private-use characters)."""
    return text.replace(PRE, "").replace(POST, "")
