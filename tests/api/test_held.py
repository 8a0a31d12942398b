"""Held spam (issue 9): what the spam check holds, who sees it, what it counts, and the review queue.

A held post or comment is shown to its author only (marked ``held``): it is in no one else's page
or list, not in the search index, and counted nowhere until a moderator approves it; then it
appears at the time it was written. Reviewers: admins (everything, diary entries included), a
community's owner and moderators (their community), a company's staff (their official community).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from content_helpers import create_community, create_company, ids, join, name_staff, post_topic, write_diary

from chalicelib import ops
from tests.conftest import marker

SPAM_TITLE = "激安ブランド スーパーコピー 財布"
#: Generic praise, a bookmark line and self-promotion: what a comment spammer writes under anything.
SPAM_COMMENT = "Great post! I will bookmark your site and share it with my friends. Visit my blog too!"


def spam_body(word: str = "") -> str:
    """Keyword stuffing and three outside links (a shortener, suspicious TLDs) from a new account."""
    return f"{word} 最安値はこちら http://brand-copy.xyz http://bit.ly/3abcd http://cheap-shop.top"


def topic(api: Any, member: Any, community_id: str, title: str, body: str) -> dict[str, Any]:
    res = api.call("POST", f"/communities/{community_id}/posts", {"title": title, "body": body}, token=member.token)
    assert res.status_code == 201, res.body
    return dict(res.json_body)


def spam_topic(api: Any, member: Any, community_id: str, word: str = "") -> dict[str, Any]:
    post = topic(api, member, community_id, SPAM_TITLE, spam_body(word))
    assert post["held"] is True, post
    return post


def comment_on(api: Any, member: Any, post_id: str, body: str) -> dict[str, Any]:
    res = api.call("POST", f"/posts/{post_id}/comments", {"body": body}, token=member.token)
    assert res.status_code == 201, res.body
    return dict(res.json_body)


def get_post(api: Any, member: Any, post_id: str) -> Any:
    return api.call("GET", f"/posts/{post_id}", token=member.token)


def listed(api: Any, member: Any, path: str) -> list[dict[str, Any]]:
    """Every item of a list route, page by page."""
    items: list[dict[str, Any]] = []
    cursor = None
    for _ in range(200):
        sep = "&" if "?" in path else "?"
        res = api.call("GET", f"{path}{sep}limit=100" + (f"&cursor={cursor}" if cursor else ""), token=member.token)
        assert res.status_code == 200, (path, res.body)
        items += res.json_body["items"]
        cursor = res.json_body["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError("pagination did not end")


def queue(api: Any, member: Any, community_id: str | None = None) -> list[dict[str, Any]]:
    return listed(api, member, "/admin/held" + (f"?community_id={community_id}" if community_id else ""))


def held_id(api: Any, reviewer: Any, community_id: str | None, post_id: str, comment_id: str | None = None) -> str:
    (entry,) = [
        h for h in queue(api, reviewer, community_id) if h["post_id"] == post_id and h["comment_id"] == comment_id
    ]
    return str(entry["id"])


def review(api: Any, member: Any, held: str, decision: str) -> Any:
    return api.call("POST", f"/admin/held/{held}/{decision}", token=member.token)


def stats_posts(api: Any, member: Any) -> int:
    return int(api.call("GET", "/stats", token=member.token).json_body["posts"])


def search_ids(api: Any, member: Any, word: str) -> set[str]:
    res = api.call("GET", f"/search?q={word}&limit=50", token=member.token)
    assert res.status_code == 200, res.body
    return {r["id"] for r in res.json_body["results"]}


def error_code(res: Any) -> str:
    return str(res.json_body["error"]["code"])


@dataclass
class Board:
    community: dict[str, Any]
    owner: Any
    moderator: Any
    spammer: Any
    reader: Any


@pytest.fixture
def board(api, new_member) -> Board:
    """A community with its owner, a moderator, a spammer and a reader (all members of it)."""
    owner, moderator, spammer, reader = new_member(), new_member(), new_member(), new_member()
    community = create_community(api, owner, name="ゲーム雑談広場")
    for m in (moderator, spammer, reader):
        join(api, m, community["id"])
    res = api.call("PUT", f"/communities/{community['id']}/moderators/{moderator.handle}", token=owner.token)
    assert res.status_code == 200, res.body
    return Board(community, owner, moderator, spammer, reader)


@dataclass
class Official:
    company: dict[str, Any]
    staff: Any
    community: dict[str, Any]
    customer: Any


@pytest.fixture
def official(api, admin, new_member) -> Official:
    """A verified company, its agent, its official community and a customer in it."""
    company = create_company(api, admin, name="スパム検査ゲームス")
    staff, customer = new_member(), new_member()
    assert name_staff(api, admin, company["id"], staff, "agent").status_code == 200
    community = create_community(api, staff, name="スパム検査ゲームス公式", company_id=company["id"])
    join(api, customer, community["id"])
    return Official(company, staff, community, customer)


# --- what is held, and who sees it ---------------------------------------------------------------


def test_a_held_topic_is_shown_to_its_author_only_and_marked(api, board, admin):
    cid = board.community["id"]
    held = spam_topic(api, board.spammer, cid)
    fine = post_topic(api, board.reader, cid)
    assert fine["held"] is False

    mine = get_post(api, board.spammer, held["id"])
    assert mine.status_code == 200 and mine.json_body["held"] is True
    for other in (board.reader, board.moderator, board.owner, admin):
        res = get_post(api, other, held["id"])
        assert res.status_code == 404, res.body  # moderators and admins see it in the queue
    assert held["id"] in ids({"items": listed(api, board.spammer, f"/communities/{cid}/posts")})
    for other in (board.reader, board.moderator, admin):
        shown = listed(api, other, f"/communities/{cid}/posts")
        assert ids({"items": shown}) == [fine["id"]]

    # The author may comment on it; nobody else can read it, so nobody else can comment or report.
    assert comment_on(api, board.spammer, held["id"], "追記です。")["held"] is False
    assert api.call("GET", f"/posts/{held['id']}/comments", token=board.reader.token).status_code == 404
    res = api.call("POST", f"/posts/{held['id']}/comments", {"body": "?"}, token=board.reader.token)
    assert res.status_code == 404
    report = {"target_type": "post", "target_id": held["id"], "reason": "spam"}
    assert api.call("POST", "/reports", report, token=board.reader.token).status_code == 404


def test_a_held_comment_is_shown_to_its_author_only_and_not_counted(api, board):
    post = post_topic(api, board.reader, board.community["id"])
    spam = comment_on(api, board.spammer, post["id"], SPAM_COMMENT)
    fine = comment_on(api, board.moderator, post["id"], "どちらも名作ですね。")
    assert (spam["held"], fine["held"]) == (True, False)

    theirs = listed(api, board.spammer, f"/posts/{post['id']}/comments")
    assert [(c["id"], c["held"]) for c in theirs] == [(spam["id"], True), (fine["id"], False)]
    for other in (board.reader, board.moderator):
        assert ids({"items": listed(api, other, f"/posts/{post['id']}/comments")}) == [fine["id"]]
    assert get_post(api, board.reader, post["id"]).json_body["comment_count"] == 1
    report = {"target_type": "comment", "target_id": f"{post['id']}/{spam['id']}", "reason": "spam"}
    assert api.call("POST", "/reports", report, token=board.reader.token).status_code == 404


def test_a_held_diary_entry_is_only_in_its_authors_list_and_only_admins_review_it(api, new_member, admin):
    author, friend_of_nobody = new_member(), new_member()
    body = {"title": "素晴らしい記事", "body": SPAM_COMMENT + " http://ameblo.jp/cheap", "visibility": "members"}
    res = api.call("POST", "/diary", body, token=author.token)
    assert res.status_code == 201 and res.json_body["held"] is True, res.body
    entry = res.json_body
    fine = write_diary(api, author, "members")

    assert ids({"items": listed(api, author, f"/members/{author.handle}/diary")}) == [fine["id"], entry["id"]]
    assert ids({"items": listed(api, friend_of_nobody, f"/members/{author.handle}/diary")}) == [fine["id"]]
    assert get_post(api, friend_of_nobody, entry["id"]).status_code == 404

    (held,) = [h for h in queue(api, admin) if h["post_id"] == entry["id"]]
    assert (held["type"], held["community_id"], held["comment_id"]) == ("post", None, None)
    assert held["author"]["handle"] == author.handle
    res = api.call("GET", "/admin/held", token=author.token)
    assert res.status_code == 403 and error_code(res) == "not_a_moderator"
    res = review(api, author, held["id"], "approve")
    assert res.status_code == 403 and error_code(res) == "not_a_moderator"

    assert review(api, admin, held["id"], "approve").status_code == 200
    assert ids({"items": listed(api, friend_of_nobody, f"/members/{author.handle}/diary")}) == [
        fine["id"],
        entry["id"],
    ]


def test_the_queue_shows_why_each_item_was_held(api, board):
    post = spam_topic(api, board.spammer, board.community["id"])
    (entry,) = [h for h in queue(api, board.moderator, board.community["id"]) if h["post_id"] == post["id"]]
    assert entry["type"] == "post" and entry["status"] == "held"
    assert (entry["title"], entry["body"]) == (SPAM_TITLE, spam_body())
    assert entry["created_at"] == post["created_at"]
    assert entry["score"] >= entry["threshold"] > 0
    names = {s["name"] for s in entry["signals"]}
    assert {"outside_links", "link_shortener", "seo_keywords"} <= names
    assert all(set(s) == {"name", "weight", "detail"} and s["detail"] for s in entry["signals"])
    weights = [s["weight"] for s in entry["signals"]]
    assert weights == sorted(weights, reverse=True)


def test_admins_and_the_companys_staff_in_their_own_community_are_never_held(api, official, admin, board):
    join(api, admin, board.community["id"])
    assert topic(api, admin, board.community["id"], SPAM_TITLE, spam_body())["held"] is False
    staff_topic = topic(api, official.staff, official.community["id"], SPAM_TITLE, spam_body())
    assert staff_topic["held"] is False and staff_topic["kind"] == "topic"
    answer = comment_on(api, official.staff, staff_topic["id"], SPAM_COMMENT)
    assert (answer["held"], answer["official"]) == (False, True)
    # The company's staff elsewhere are members like any other.
    join(api, official.staff, board.community["id"])
    assert topic(api, official.staff, board.community["id"], SPAM_TITLE, spam_body())["held"] is True


def test_links_to_the_companys_own_site_are_not_held_in_its_official_community(api, official):
    links = "https://games.example.jp/support/1 https://games.example.jp/faq https://www.games.example.jp/manual"
    body = f"マニュアルの通りにしても直りません。 {links}"
    post = topic(api, official.customer, official.community["id"], "電源が入りません", body)
    assert post["held"] is False and post["kind"] == "inquiry"


# --- counted nowhere, indexed nowhere, until approved ---------------------------------------------


def test_a_held_inquiry_is_not_in_the_inbox_nor_counted_until_approved(api, official, admin, indexed):
    word = marker()
    metrics_path = f"/companies/{official.company['id']}/metrics"
    before = api.call("GET", metrics_path, token=official.customer.token).json_body
    posts_before = stats_posts(api, official.customer)
    inquiry = spam_topic(api, official.customer, official.community["id"], word)
    assert inquiry["kind"] == "inquiry" and inquiry["status"] == "open"

    inbox_path = f"/companies/{official.company['id']}/inbox"
    assert inquiry["id"] not in [e["inquiry"]["id"] for e in listed(api, official.staff, inbox_path)]
    assert api.call("GET", metrics_path, token=official.customer.token).json_body == before
    assert stats_posts(api, official.customer) == posts_before
    indexed()
    assert search_ids(api, official.customer, word) == set()
    assert search_ids(api, admin, word) == set()
    assert ops.main(["check-index"]) == 0

    # The company's staff review their official community's queue.
    held = held_id(api, official.staff, official.community["id"], inquiry["id"])
    res = review(api, official.staff, held, "approve")
    assert res.status_code == 200, res.body
    assert (res.json_body["status"], res.json_body["reviewed_by"]) == ("approved", official.staff.handle)

    assert inquiry["id"] in [e["inquiry"]["id"] for e in listed(api, official.staff, inbox_path)]
    after = api.call("GET", metrics_path, token=official.customer.token).json_body
    assert after["open"] == before["open"] + 1
    assert stats_posts(api, official.customer) == posts_before + 1
    indexed()
    assert search_ids(api, admin, word) == {inquiry["id"]}
    assert ops.main(["check-index"]) == 0

    # Now an ordinary inquiry: the staff's answer answers it.
    answer = comment_on(api, official.staff, inquiry["id"], "ご連絡ありがとうございます。確認します。")
    assert answer["official"] is True
    assert get_post(api, official.customer, inquiry["id"]).json_body["status"] == "answered"


def test_approving_shows_it_at_its_original_time_and_counts_it(api, board, indexed):
    cid, word = board.community["id"], marker()
    posts_before = stats_posts(api, board.reader)
    held_post = spam_topic(api, board.spammer, cid, word)
    later = post_topic(api, board.reader, cid, title="あとから書いた話題")
    spam = comment_on(api, board.spammer, later["id"], SPAM_COMMENT)
    assert stats_posts(api, board.reader) == posts_before + 1  # the later topic only

    res = review(api, board.moderator, held_id(api, board.moderator, cid, held_post["id"]), "approve")
    assert res.status_code == 200, res.body
    shown = get_post(api, board.reader, held_post["id"])
    assert shown.status_code == 200, shown.body
    assert shown.json_body["held"] is False
    assert shown.json_body["created_at"] == held_post["created_at"]
    # Newest first: the topic written later stays above the approved one.
    assert ids({"items": listed(api, board.reader, f"/communities/{cid}/posts")}) == [later["id"], held_post["id"]]
    assert stats_posts(api, board.reader) == posts_before + 2

    comment_held = held_id(api, board.owner, cid, later["id"], spam["id"])
    assert review(api, board.owner, comment_held, "approve").status_code == 200
    assert ids({"items": listed(api, board.reader, f"/posts/{later['id']}/comments")}) == [spam["id"]]
    assert get_post(api, board.reader, later["id"]).json_body["comment_count"] == 1
    assert [h for h in queue(api, board.moderator, cid) if h["post_id"] in (held_post["id"], later["id"])] == []

    indexed()
    assert search_ids(api, board.reader, word) == {held_post["id"]}
    assert ops.main(["check-index"]) == 0


def test_a_second_review_is_already_reviewed(api, board):
    cid = board.community["id"]
    post = spam_topic(api, board.spammer, cid)
    held = held_id(api, board.moderator, cid, post["id"])
    assert review(api, board.moderator, held, "approve").status_code == 200
    for reviewer, decision in ((board.moderator, "approve"), (board.owner, "reject")):
        res = review(api, reviewer, held, decision)
        assert res.status_code == 409 and error_code(res) == "already_reviewed", res.body
    assert get_post(api, board.reader, post["id"]).status_code == 200
    assert get_post(api, board.reader, post["id"]).json_body["comment_count"] == 0


def test_rejecting_removes_it(api, board):
    cid = board.community["id"]
    posts_before = stats_posts(api, board.reader)
    post = spam_topic(api, board.spammer, cid)
    target = post_topic(api, board.reader, cid)
    spam = comment_on(api, board.spammer, target["id"], SPAM_COMMENT)

    held_post = held_id(api, board.moderator, cid, post["id"])
    res = review(api, board.moderator, held_post, "reject")
    assert res.status_code == 200 and res.json_body["status"] == "rejected", res.body
    assert get_post(api, board.spammer, post["id"]).status_code == 404
    assert post["id"] not in ids({"items": listed(api, board.spammer, f"/communities/{cid}/posts")})
    for decision in ("reject", "approve"):
        res = review(api, board.moderator, held_post, decision)
        assert res.status_code == 409 and error_code(res) == "already_reviewed"

    held_comment = held_id(api, board.moderator, cid, target["id"], spam["id"])
    assert review(api, board.moderator, held_comment, "reject").status_code == 200
    assert listed(api, board.spammer, f"/posts/{target['id']}/comments") == []
    assert get_post(api, board.reader, target["id"]).json_body["comment_count"] == 0
    assert [h for h in queue(api, board.moderator, cid) if h["post_id"] in (post["id"], target["id"])] == []
    assert stats_posts(api, board.reader) == posts_before + 1  # the reader's topic only


def test_an_author_deleting_a_held_post_takes_it_out_of_the_queue_uncounted(api, board, admin):
    cid = board.community["id"]
    posts_before = stats_posts(api, board.reader)
    post = spam_topic(api, board.spammer, cid)
    held = held_id(api, board.moderator, cid, post["id"])
    assert api.call("DELETE", f"/posts/{post['id']}", token=board.spammer.token).status_code == 204
    assert stats_posts(api, board.reader) == posts_before
    assert [h for h in queue(api, board.moderator, cid) if h["post_id"] == post["id"]] == []
    assert review(api, admin, held, "approve").status_code == 404


# --- who reviews ---------------------------------------------------------------------------------


def test_moderators_review_their_own_community_only_and_admins_everything(api, new_member, admin):
    owner_a, owner_b, mod_a, spammer, outsider = (new_member() for _ in range(5))
    a = create_community(api, owner_a, name="コミュA")
    b = create_community(api, owner_b, name="コミュB")
    for c in (a, b):
        join(api, spammer, c["id"])
    join(api, mod_a, a["id"])
    assert api.call("PUT", f"/communities/{a['id']}/moderators/{mod_a.handle}", token=owner_a.token).status_code == 200
    in_a = spam_topic(api, spammer, a["id"])
    in_b = spam_topic(api, spammer, b["id"])

    assert [h["post_id"] for h in queue(api, mod_a, a["id"])] == [in_a["id"]]
    assert [h["post_id"] for h in queue(api, owner_a, a["id"])] == [in_a["id"]]
    for who, path in (
        (mod_a, f"/admin/held?community_id={b['id']}"),
        (mod_a, "/admin/held"),
        (outsider, f"/admin/held?community_id={a['id']}"),
        (spammer, "/admin/held"),
    ):
        res = api.call("GET", path, token=who.token)
        assert res.status_code == 403 and error_code(res) == "not_a_moderator", (path, res.body)

    held_b = held_id(api, owner_b, b["id"], in_b["id"])
    for who in (mod_a, outsider, spammer):
        for decision in ("approve", "reject"):
            res = review(api, who, held_b, decision)
            assert res.status_code == 403 and error_code(res) == "not_a_moderator", res.body
    # A missing item is the same 403 for non-admins (nothing revealed), a 404 for admins.
    assert review(api, mod_a, "no_such_held_item", "approve").status_code == 403
    assert review(api, admin, "no_such_held_item", "approve").status_code == 404

    everything = [h["post_id"] for h in queue(api, admin)]
    assert everything.index(in_a["id"]) < everything.index(in_b["id"])  # oldest first
    assert [h["post_id"] for h in queue(api, admin, b["id"])] == [in_b["id"]]
    assert review(api, admin, held_b, "reject").status_code == 200
    assert get_post(api, owner_b, in_b["id"]).status_code == 404
    assert get_post(api, spammer, in_a["id"]).json_body["held"] is True  # A's is still waiting


def test_staff_review_their_official_community_only(api, official, board):
    in_official = spam_topic(api, official.customer, official.community["id"])
    in_board = spam_topic(api, board.spammer, board.community["id"])
    assert [h["post_id"] for h in queue(api, official.staff, official.community["id"])] == [in_official["id"]]
    res = api.call("GET", f"/admin/held?community_id={board.community['id']}", token=official.staff.token)
    assert res.status_code == 403 and error_code(res) == "not_a_moderator"
    held_board = held_id(api, board.moderator, board.community["id"], in_board["id"])
    res = review(api, official.staff, held_board, "approve")
    assert res.status_code == 403 and error_code(res) == "not_a_moderator"
    # A moderator of another community does not review the official one either.
    res = api.call("GET", f"/admin/held?community_id={official.community['id']}", token=board.moderator.token)
    assert res.status_code == 403


def test_a_cursor_of_another_queue_is_invalid_cursor(api, board, admin):
    cid = board.community["id"]
    for _ in range(2):
        spam_topic(api, board.spammer, cid)
    res = api.call("GET", f"/admin/held?community_id={cid}&limit=1", token=board.moderator.token)
    assert res.status_code == 200 and res.json_body["next_cursor"], res.body
    cursor = res.json_body["next_cursor"]
    res = api.call("GET", f"/admin/held?limit=1&cursor={cursor}", token=admin.token)
    assert res.status_code == 400 and error_code(res) == "invalid_cursor"
    res = api.call("GET", f"/admin/held?community_id={cid}&limit=1&cursor={cursor}", token=board.moderator.token)
    assert res.status_code == 200 and len(res.json_body["items"]) == 1


def test_the_demo_world_holds_nothing(api, services, admin):
    from chalicelib.demo import seed

    seed(services, "a-demo-password-for-tests", admin.handle)  # the password of tests/api/test_demo_world.py
    demo = {"hanako", "taro", "nintendo_fan", "kizuna_support"}
    assert [h for h in queue(api, admin) if h["author"]["handle"] in demo] == []
