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
from collections.abc import Iterable, Mapping
from typing import Any, Literal

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
        "highlight": {
            "pre_tags": [PRE],
            "post_tags": [POST],
            "fields": {
                "title": {"number_of_fragments": 0},
                "body": {"fragment_size": SNIPPET_CHARS, "number_of_fragments": 1},
            },
        },
    }
    if after is not None:
        score, _ = after
        body["search_after"] = [score * (1 + SCORE_BAND) + 1e-12, ""]
    return body


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


def plain(text: str, limit: int = SNIPPET_CHARS) -> str:
    """An escaped excerpt of text without hits."""
    text = text.replace(PRE, "").replace(POST, "")
    return html.escape(text[:limit] + ("…" if len(text) > limit else ""), quote=True)


def title_highlight(hit: Mapping[str, Any], title: str | None = None) -> str:
    """The whole title with hits marked, escaped as :func:`mark` does.

    ``title`` is the title as it is now: when it differs from the indexed one (edited since), the
    index's marks belong to the old text, so the current title is shown escaped and unmarked.
    """
    indexed = str((hit.get("_source") or {}).get("title") or "")
    current = indexed if title is None else title
    fragments = (hit.get("highlight") or {}).get("title") or []
    if fragments and current == indexed:
        return mark(str(fragments[0]))
    return plain(current, limit=len(current))


def snippet(hit: Mapping[str, Any]) -> str:
    """The body fragment with hits marked; the start of the body when only the title matched."""
    fragments = (hit.get("highlight") or {}).get("body") or []
    if fragments:
        return mark(str(fragments[0]))
    return plain(str((hit.get("_source") or {}).get("body") or ""))
