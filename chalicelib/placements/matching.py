"""Keyword match types, checked exactly on the candidates that the index retrieved. Pure: no I/O.

Queries and keywords are normalised the same way (NFKC, case-folded, whitespace collapsed), so
full-width ``ＤＳ`` matches ``ds``. A term occurs in a query when it appears as a substring that
is not glued to other Latin letters or digits: ``ds`` occurs in ``任天堂ds`` and in ``nintendo ds``
but not in ``dsl``. Japanese has no spaces, so a Japanese term may sit anywhere.

* exact: the whole normalised query equals the keyword;
* phrase: the keyword, as one phrase, occurs in the query;
* broad: every term of the keyword occurs somewhere in the query, in any order;
* a negative keyword (all of its terms occurring) excludes the ad whatever matched.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

#: How relevant each match type is at best; the share of the query it covers scales it.
MATCH_WEIGHT = {"exact": 1.0, "phrase": 0.8, "broad": 0.6}


def normalise(text: str) -> str:
    """NFKC, case-folded, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def occurs(term: str, query: str) -> bool:
    """Whether normalised ``term`` occurs in normalised ``query`` (see the module docstring)."""
    if not term:
        return False
    pattern = r"(?<![a-z0-9])" + re.escape(term) + r"(?![a-z0-9])"
    return re.search(pattern, query) is not None


def matches(keyword: str, match: str, query: str) -> bool:
    """Whether a keyword with its match type matches the (normalised) query."""
    return _matches(normalise(keyword), match, query)


def _matches(keyword: str, match: str, query: str) -> bool:
    if match == "exact":
        return keyword == query
    if match == "phrase":
        return occurs(keyword, query)
    return bool(keyword) and all(occurs(term, query) for term in keyword.split())


def excluded(negative_keywords: Iterable[str], query: str) -> bool:
    """Whether any negative keyword occurs in the (normalised) query."""
    for negative in negative_keywords:
        terms = normalise(negative).split()
        if terms and all(occurs(t, query) for t in terms):
            return True
    return False


def relevance(keyword: str, match: str, query: str) -> float:
    """Match-type weight × (½ + ½ · share of the query's characters the keyword covers)."""
    return _relevance(normalise(keyword), match, query)


def _relevance(keyword: str, match: str, query: str) -> float:
    covered = len(keyword.replace(" ", "")) / max(1, len(query.replace(" ", "")))
    return round(MATCH_WEIGHT.get(match, 0.0) * (0.5 + 0.5 * min(1.0, covered)), 6)


def best_keyword(ad: Mapping[str, Any], query: str) -> tuple[dict[str, Any], float] | None:
    """The ad's keyword that matches ``query`` best (highest relevance × bid), or None.

    ``ad`` is an ad document (``ad_keywords``, ``negative_keywords``); ``query`` is normalised.
    """
    if excluded(ad.get("negative_keywords") or [], query):
        return None
    best: tuple[dict[str, Any], float] | None = None
    for keyword in ad.get("ad_keywords") or []:
        text = normalise(keyword["text"])  # once per keyword, not once per check
        if not _matches(text, keyword["match"], query):
            continue
        score = _relevance(text, keyword["match"], query)
        if best is None or (score * keyword["max_cpc"], score) > (best[1] * best[0]["max_cpc"], best[1]):
            best = (dict(keyword), score)
    return best
