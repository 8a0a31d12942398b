"""Items and stream records -> search documents and index changes (pure)."""

from __future__ import annotations

from decimal import Decimal

from chalicelib.adapters.scan import deserialise
from chalicelib.search.documents import Change, change_of_item, change_of_record, document
from chalicelib.search.sync import diff

POST = {
    "post_id": "p1",
    "kind": "diary",
    "author_id": "a1",
    "author_handle": "hanako",
    "title": "コミュニティブログ",
    "body": "本文",
    "visibility": "friends",
    "comment_count": Decimal(0),
    "version": Decimal(3),
}
COMMUNITY = {
    "community_id": "c1",
    "name": "ファンコミュニティ",
    "description": "説明",
    "category": "games",
    "company_id": "co1",
    "member_count": Decimal(42),
    "version": Decimal(7),
}


def test_a_post_keeps_what_the_visibility_filter_needs():
    doc = document("post", POST)
    assert doc is not None
    assert doc["doc_id"] == "post-p1" and doc["type"] == "post"
    assert (doc["author_id"], doc["visibility"], doc["kind"]) == ("a1", "friends", "diary")
    assert (doc["title"], doc["body"]) == ("コミュニティブログ", "本文")


def test_a_community_is_searched_by_name_and_description_and_weighs_members():
    doc = document("community", COMMUNITY)
    assert doc is not None
    assert (doc["title"], doc["body"], doc["member_count"], doc["official"]) == ("ファンコミュニティ", "説明", 42, True)


def test_resolved_inquiries_and_official_posts_are_boosted():
    inquiry = {**POST, "kind": "inquiry", "visibility": "members", "company_id": "co1"}
    boosts = [
        document("post", {**inquiry, "status": s})["rank_boost"]  # type: ignore[index]
        for s in ("open", "answered", "resolved")
    ]
    official = document("post", {**POST, "kind": "topic", "company_id": "co1"})
    assert boosts[0] < boosts[1] < boosts[2]
    assert official is not None and official["rank_boost"] > boosts[0]


def test_writes_carry_the_item_version_and_deletes_go_one_above():
    insert = change_of_record("posts", "INSERT", {"post_id": "p1"}, POST, None)
    remove = change_of_record("posts", "REMOVE", {"post_id": "p1"}, None, POST)
    assert insert == Change("post-p1", 3, document("post", POST))
    assert remove == Change("post-p1", 4) and remove.is_delete


def test_soft_deleted_items_become_deletes():
    assert change_of_item("post", {**POST, "deleted": True}) == Change("post-p1", 4)


def test_tables_that_are_not_indexed_are_ignored():
    assert change_of_record("members", "INSERT", {"member_id": "m"}, {"member_id": "m"}, None) is None


def test_raw_images_are_deserialised():
    raw = {"post_id": {"S": "p1"}, "version": {"N": "2"}, "roles": {"L": [{"S": "x"}]}}
    assert deserialise(raw) == {"post_id": "p1", "version": Decimal(2), "roles": ["x"]}


def test_diff_names_missing_stale_extra_and_ahead_documents_and_repairs_them():
    expected = [Change("post-a", 2, {}), Change("post-b", 5, {}), Change("post-c", 1, {}), Change("post-d", 1, {})]
    indexed = {"post-b": 4, "post-c": 1, "post-d": 2, "post-x": 9}

    result, repairs = diff(expected, indexed)

    assert result.missing == ["post-a"]
    assert result.stale == [("post-b", 4, 5)]
    assert result.extra == [("post-x", 9)]
    assert result.ahead == [("post-d", 2, 1)]
    assert repairs == [expected[0], expected[1], Change("post-x", 10)]
    assert diff(expected[2:3], {"post-c": 1})[0].clean
