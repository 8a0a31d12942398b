"""Items -> search documents: the one place that decides what the index holds.

Pure: no I/O. Works on deserialised DynamoDB images (what Powertools' ``new_image`` gives, or
what ``adapters/scan.py`` reads), so the stream indexer, ``ops reindex`` and ``ops check-index``
all map an item the same way.

One index (``<table prefix>content``) holds posts, communities and the ads of sponsored
campaigns; document ids are ``post-<id>``, ``community-<id>`` and ``ad-<campaign id>`` because
each kind has its own item versions. Organic search filters on ``type`` post/community, so ads
never appear among the results; sponsored retrieval filters on ``type: ad``. Every
document is written with ``version_type=external`` and the item's integer ``version``, so a
replayed or late change (lower version) is refused with 409 and the index converges on the
table. A deleted item becomes a delete at ``version + 1``: its last document was at
``version``, and an external delete must be above it. A post held for review (``held``) is not in
the index either (a delete at ``version + 1``); approving it adds 2 to its version, so its first
document is above that delete.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Literal

from msgspec import Struct

from chalicelib.search.analysis import INDEX_SETTINGS, STEMS_FIELD, TEXT_FIELD, stem_text

DocType = Literal["post", "community", "ad"]

#: Logical table (``Meta.base_name``) -> the kind of document its items become.
INDEXED_TABLES: dict[str, DocType] = {"posts": "post", "communities": "community", "campaigns": "ad"}
#: The hash key of each indexed table.
KEY_OF: dict[DocType, str] = {"post": "post_id", "community": "community_id", "ad": "campaign_id"}

#: Ranking weights of posts: official answers and resolved inquiries rank above ordinary posts.
RANK_BOOST = {"resolved": 1.5, "answered": 1.25, "official": 1.25, "ordinary": 1.0}

TEXT = {"type": "text", "analyzer": "cjk"}
KEYWORD = {"type": "keyword"}

#: The index definition. Titles and bodies use the ``ja`` chain of ``chalicelib.search.analysis``
#: (kuromoji morphemes, their infixes in ``.part``, English stems beside them), built only from
#: what osmem-server and Amazon OpenSearch Service both do alike (infra/SEARCH.md); a change here
#: needs ``ops reindex --recreate``.
INDEX_BODY: dict[str, Any] = {
    "settings": {"number_of_shards": 1, **INDEX_SETTINGS},
    "mappings": {
        "properties": {
            "doc_id": KEYWORD,
            "type": KEYWORD,
            "id": KEYWORD,
            "title": TEXT_FIELD,
            "body": TEXT_FIELD,
            "title_stems": STEMS_FIELD,
            "body_stems": STEMS_FIELD,
            "kind": KEYWORD,
            "status": KEYWORD,
            "author_id": KEYWORD,
            "visibility": KEYWORD,
            "community_id": KEYWORD,
            "community_name": KEYWORD,
            "company_id": KEYWORD,
            "category": KEYWORD,
            "official": {"type": "boolean"},
            "hidden": {"type": "boolean"},
            "member_count": {"type": "integer"},
            "rank_boost": {"type": "float"},
            # Ads: keyword texts are searched (cjk) to retrieve candidates; match types and
            # negative keywords are then checked exactly in chalicelib.placements.matching.
            "keyword_text": TEXT,
            "ad_keywords": {"type": "object", "enabled": False},
            "negative_keywords": KEYWORD,
            "target_type": KEYWORD,
            "target_id": KEYWORD,
            "company_name": KEYWORD,
        }
    },
}


def doc_id(doc_type: DocType, item_id: str) -> str:
    """The document id of an item."""
    return f"{doc_type}-{item_id}"


class Change(Struct, frozen=True):
    """What to do to one document: write ``document`` at ``version``, or delete it (document None)."""

    doc_id: str
    version: int
    document: dict[str, Any] | None = None

    @property
    def is_delete(self) -> bool:
        return self.document is None


def _int(value: Any) -> int:
    return int(value) if isinstance(value, int | Decimal | str) else 0


def post_rank_boost(item: Mapping[str, Any]) -> float:
    """Resolved inquiries first, then answered ones and official posts, then the rest."""
    status = item.get("status")
    if item.get("kind") == "inquiry" and status in ("resolved", "answered"):
        return RANK_BOOST[str(status)]
    if item.get("kind") == "topic" and item.get("company_id"):
        return RANK_BOOST["official"]  # a staff topic in the company's official community
    return RANK_BOOST["ordinary"]


def post_document(item: Mapping[str, Any]) -> dict[str, Any]:
    """A post (community topic, inquiry or diary entry) with what the visibility filter needs."""
    post_id = str(item["post_id"])
    title, body = item.get("title") or "", item.get("body") or ""
    return {
        "doc_id": doc_id("post", post_id),
        "type": "post",
        "id": post_id,
        "title": title,
        "body": body,
        "title_stems": stem_text(title),
        "body_stems": stem_text(body),
        "kind": item.get("kind"),
        "status": item.get("status"),
        "author_id": item.get("author_id"),
        "visibility": item.get("visibility") or "members",
        "community_id": item.get("community_id"),
        "community_name": item.get("community_name"),
        "company_id": item.get("company_id"),
        "rank_boost": post_rank_boost(item),
        # The author is banned: searches leave it out until the ban is lifted.
        "hidden": bool(item.get("author_hidden")),
    }


def community_document(item: Mapping[str, Any]) -> dict[str, Any]:
    """A community: its name and description are searched as title and body."""
    community_id = str(item["community_id"])
    title, body = item.get("name") or "", item.get("description") or ""
    return {
        "doc_id": doc_id("community", community_id),
        "type": "community",
        "id": community_id,
        "title": title,
        "body": body,
        "title_stems": stem_text(title),
        "body_stems": stem_text(body),
        "category": item.get("category"),
        "official": bool(item.get("company_id")),
        "company_id": item.get("company_id"),
        "member_count": _int(item.get("member_count")),
        "visibility": "members",
    }


def ad_keywords(raw: Any) -> list[dict[str, Any]]:
    """A campaign's keywords (stored as a JSON list) as ``{text, match, max_cpc}`` dicts."""
    keywords = json.loads(raw) if isinstance(raw, str) else list(raw or [])
    return [{"text": str(k["text"]), "match": str(k["match"]), "max_cpc": _int(k["max_cpc"])} for k in keywords]


def ad_document(item: Mapping[str, Any]) -> dict[str, Any]:
    """A campaign as a sponsored candidate: its keywords, negatives, status, company and target."""
    campaign_id = str(item["campaign_id"])
    keywords = ad_keywords(item.get("keywords"))
    return {
        "doc_id": doc_id("ad", campaign_id),
        "type": "ad",
        "id": campaign_id,
        "status": item.get("status"),
        "company_id": item.get("company_id"),
        "company_name": item.get("company_name"),
        "headline": item.get("headline") or "",
        "text": item.get("text") or "",
        "target_type": item.get("target_type"),
        "target_id": item.get("target_id"),
        "keyword_text": [k["text"] for k in keywords],
        "ad_keywords": keywords,
        "negative_keywords": [str(n) for n in item.get("negative_keywords") or []],
        "daily_budget": _int(item.get("daily_budget")),
    }


def document(doc_type: DocType, item: Mapping[str, Any]) -> dict[str, Any] | None:
    """The document of a live item, or None when the item must not be in the index."""
    if item.get("deleted") or item.get("status") == "deleted":
        return None
    if item.get("held"):  # held by the spam check: written when approved (at a version above the delete)
        return None
    if doc_type == "ad":
        return ad_document(item)
    return post_document(item) if doc_type == "post" else community_document(item)


def change_of_item(doc_type: DocType, item: Mapping[str, Any]) -> Change:
    """The change that makes the index agree with ``item`` as it is now (reindex, repair)."""
    version = _int(item.get("version"))
    doc = document(doc_type, item)
    ident = doc_id(doc_type, str(item[KEY_OF[doc_type]]))
    return Change(ident, version, doc) if doc is not None else Change(ident, version + 1)


def change_of_record(
    table: str,
    event_name: str,
    keys: Mapping[str, Any],
    new_image: Mapping[str, Any] | None,
    old_image: Mapping[str, Any] | None,
) -> Change | None:
    """The change for one stream record of logical ``table``; None for tables that are not indexed."""
    doc_type = INDEXED_TABLES.get(table)
    if doc_type is None:
        return None
    ident = doc_id(doc_type, str(keys[KEY_OF[doc_type]]))
    if event_name == "REMOVE" or not new_image:
        # The streams carry old images (NEW_AND_OLD_IMAGES): delete just above the last version.
        version = _int((old_image or {}).get("version"))
        return Change(ident, version + 1)
    return change_of_item(doc_type, new_image)
