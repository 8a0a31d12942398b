"""GET /search against DynamoDB Local and osmem-server, fed by the real stream handler.

Indexing is driven deterministically: a relay over the test tables' streams calls
``chalicelib.streams.handler.handle`` until a pass finds nothing new. The index is shared by
the whole session, so each test checks its own ids (and marks its texts with a unique word).
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from content_helpers import befriend, create_community, join

from chalicelib import ops
from tests.conftest import marker


def search(api: Any, member: Any, q: str, type_: str = "all", limit: int = 50) -> list[dict[str, Any]]:
    """Every result of a search, page by page."""
    results: list[dict[str, Any]] = []
    cursor = None
    for _ in range(100):
        params = f"q={q}&type={type_}&limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        res = api.call("GET", f"/search?{params}", token=member.token)
        assert res.status_code == 200, res.body
        results += res.json_body["results"]
        cursor = res.json_body["next_cursor"]
        if cursor is None:
            return results
    raise AssertionError("pagination did not end")


def found(api: Any, member: Any, q: str, type_: str = "all") -> set[str]:
    return {r["id"] for r in search(api, member, q, type_)}


def post(api: Any, member: Any, community_id: str, title: str, body: str = "本文") -> str:
    res = api.call("POST", f"/communities/{community_id}/posts", {"title": title, "body": body}, token=member.token)
    assert res.status_code == 201, res.body
    return str(res.json_body["id"])


def diary(api: Any, member: Any, title: str, body: str = "日記の本文", visibility: str = "members") -> str:
    res = api.call("POST", "/diary", {"title": title, "body": body, "visibility": visibility}, token=member.token)
    assert res.status_code == 201, res.body
    return str(res.json_body["id"])


@pytest.fixture
def author(new_member: Any) -> Any:
    return new_member(display_name="検索する人")


@pytest.fixture
def community(api: Any, author: Any) -> dict[str, Any]:
    return create_community(api, author, name=f"検索テスト {uuid.uuid4().hex[:6]}", description="テスト用")


def test_a_japanese_word_finds_the_compounds_that_contain_it(api, author, community, indexed):
    fan = create_community(api, author, name="アニメファンコミュニティ", description="語りましょう")
    blog = post(api, author, community["id"], "コミュニティブログ開設", "よろしくお願いします")
    other = post(api, author, community["id"], "今日の天気", "晴れのち曇り")
    indexed()

    hits = found(api, author, "コミュニティ")

    assert {fan["id"], blog} <= hits
    assert other not in hits


def test_every_post_containing_the_word_is_found_wherever_it_is(api, author, community, indexed):
    with_word = [
        post(api, author, community["id"], "ブログ", "本文"),
        post(api, author, community["id"], "技術ブログの書き方", "本文"),
        post(api, author, community["id"], "日々のこと", "旅のブログを更新しました"),
        diary(api, author, "日記", "ブログより日記が好き"),
    ]
    without = post(api, author, community["id"], "ブロッコリー", "グラタン")
    indexed()

    hits = found(api, author, "ブログ", "posts")

    assert set(with_word) <= hits
    assert without not in hits


def test_two_words_must_both_occur_in_the_title_or_the_body(api, author, community, indexed):
    split = post(api, author, community["id"], "京都の旅行記", "嵐山の紅葉がきれいでした")
    title_only = post(api, author, community["id"], "大阪の旅行記", "たこ焼きを食べた")
    both_in_body = post(api, author, community["id"], "秋の写真", "旅行記：日光の紅葉")
    indexed()

    hits = found(api, author, "旅行記 紅葉")
    full_width_space = found(api, author, "旅行記\u3000紅葉")

    assert {split, both_in_body} <= hits
    assert title_only not in hits
    assert hits == full_width_space


def test_english_words_are_found_case_insensitively(api, author, community, indexed):
    word = marker()
    hiking = post(api, author, community["id"], f"Tokyo hiking guide {word}", "Mount Takao has an easy trail.")
    other = post(api, author, community["id"], f"Kyoto temples {word}", "Kiyomizu-dera in autumn.")
    indexed()

    assert found(api, author, f"HIKING takao {word}") == {hiking}
    assert found(api, author, word) == {hiking, other}
    assert found(api, author, f"hiking kiyomizu {word}") == set()


def test_communities_are_found_by_name_and_description(api, author, indexed):
    word = marker()
    c = create_community(api, author, name=f"鉄道写真 {word}", description="撮り鉄の集まり")
    indexed()

    assert found(api, author, f"{word} 撮り鉄", "communities") == {c["id"]}
    assert found(api, author, word, "posts") == set()
    result = search(api, author, word)[0]
    assert result["type"] == "community" and result["title"] == f"鉄道写真 {word}"


def test_search_shows_only_what_the_caller_may_read(api, author, new_member, indexed):
    friend, stranger = new_member(), new_member()
    befriend(api, author, friend)
    word = marker()
    entries = {v: diary(api, author, f"{v} {word}", "日記の本文", v) for v in ("members", "friends", "private")}
    indexed()

    assert found(api, author, word) == set(entries.values())
    assert found(api, friend, word) == {entries["members"], entries["friends"]}
    assert found(api, stranger, word) == {entries["members"]}

    api.call("DELETE", f"/friends/{author.handle}", token=friend.token)
    assert found(api, friend, word) == {entries["members"]}


def test_deleted_and_edited_posts_are_searched_as_they_are_now(api, author, community, indexed):
    word, new_word = marker(), marker()
    gone = post(api, author, community["id"], f"消す投稿 {word}", "本文")
    edited = post(api, author, community["id"], f"直す投稿 {word}", "本文")
    indexed()
    assert found(api, author, word) == {gone, edited}

    assert api.call("DELETE", f"/posts/{gone}", token=author.token).status_code == 204
    res = api.call("PATCH", f"/posts/{edited}", {"title": f"直した投稿 {new_word}"}, token=author.token)
    assert res.status_code == 200, res.body
    indexed()

    assert found(api, author, word) == set()
    assert found(api, author, new_word) == {edited}


def test_a_diary_made_private_disappears_for_others(api, author, new_member, indexed):
    reader = new_member()
    word = marker()
    entry = diary(api, author, f"公開日記 {word}", "本文")
    indexed()
    assert found(api, reader, word) == {entry}

    api.call("PATCH", f"/posts/{entry}", {"visibility": "private"}, token=author.token)
    indexed()

    assert found(api, reader, word) == set()
    assert found(api, author, word) == {entry}


def test_snippets_are_escaped_with_marks_only_around_hits(api, author, community, indexed):
    word = marker()
    post(api, author, community["id"], "エスケープ", f"<script>alert('x')</script> & {word} <b>太字</b>")
    indexed()

    (result,) = search(api, author, word)

    snippet = result["snippet"]
    assert "<script" not in snippet and "<b>" not in snippet
    assert "&lt;script&gt;" in snippet and "&amp;" in snippet
    assert f"<mark>{word}</mark>" in snippet
    assert snippet.count("<mark>") == snippet.count("</mark>") == 1
    assert result["community"] == {"id": community["id"], "name": community["name"]}


def test_pages_of_equally_relevant_results_neither_repeat_nor_skip(api, author, community, indexed):
    word = marker()
    posted = {post(api, author, community["id"], f"同じ {word}", "同じ本文") for _ in range(7)}
    indexed()

    pages = []
    cursor = None
    while True:
        query = f"/search?q={word}&limit=3" + (f"&cursor={cursor}" if cursor else "")
        body = api.call("GET", query, token=author.token).json_body
        pages.append([r["id"] for r in body["results"]])
        assert body["sponsored"] == [] and body["query"] == word
        cursor = body["next_cursor"]
        if cursor is None:
            break

    assert [len(p) for p in pages] == [3, 3, 1]
    assert sorted(i for p in pages for i in p) == sorted(posted)


def test_a_cursor_of_another_search_or_a_forged_one_is_rejected(api, author, community, indexed):
    word = marker()
    for _ in range(3):
        post(api, author, community["id"], f"カーソル {word}", "本文")
    indexed()
    cursor = api.call("GET", f"/search?q={word}&limit=1", token=author.token).json_body["next_cursor"]
    assert cursor

    for query in (f"q=other&cursor={cursor}", f"q={word}&cursor=garbage", f"q={word}&type=posts&cursor={cursor}"):
        res = api.call("GET", f"/search?{query}", token=author.token)
        assert res.status_code == 400, query
        assert res.json_body["error"]["code"] == "invalid_cursor"


@pytest.mark.parametrize("query", ["", "q=", "q=%20", "q=a&type=people", "q=a&limit=0", "q=a&limit=51"])
def test_bad_search_input_is_a_400(api, author, query):
    res = api.call("GET", f"/search?{query}", token=author.token)
    assert res.status_code == 400, res.body
    assert set(res.json_body["error"]) == {"code", "message", "details"}


def test_resolved_inquiries_rank_above_ordinary_posts(api, admin, new_member, indexed):
    from content_helpers import create_company, name_staff

    word = marker()
    staff, asker = new_member(), new_member()
    company = create_company(api, admin, name=f"検索株式会社 {word[:6]}")
    assert name_staff(api, admin, company["id"], staff, "agent").status_code in (200, 201)
    official = create_community(api, staff, name=f"公式 {word[:6]}", company_id=company["id"])
    join(api, asker, official["id"])
    plain = post(api, asker, official["id"], f"質問 {word}", "本文")
    resolved = post(api, asker, official["id"], f"質問 {word}", "本文")
    answer = api.call("POST", f"/posts/{resolved}/comments", {"body": "回答です"}, token=staff.token).json_body
    res = api.call("POST", f"/posts/{resolved}/resolve", {"comment_id": answer["id"]}, token=asker.token)
    assert res.status_code == 200, res.body
    indexed()

    assert [r["id"] for r in search(api, asker, word)] == [resolved, plain]


def test_check_index_finds_and_repairs_differences_and_reindex_rebuilds(
    api, author, community, indexed, services, capsys
):
    word = marker()
    kept = post(api, author, community["id"], f"整合性 {word}", "本文")
    indexed()
    assert ops.main(["check-index"]) == 0

    # Changes the stream handler has not seen yet (as while the search server is down), and a stray.
    missing = post(api, author, community["id"], f"未反映 {word}", "本文")
    api.call("PATCH", f"/posts/{kept}", {"body": "編集済み"}, token=author.token)
    index = services.search.index
    stray = {"doc_id": "post-stray", "type": "post", "id": "stray", "title": word, "body": "", "visibility": "members"}
    index.client.index(index=index.name, id="post-stray", body=stray, version=3, version_type="external")
    capsys.readouterr()

    assert ops.main(["check-index"]) == 1
    out = capsys.readouterr().out
    assert f"missing  post-{missing}" in out
    assert f"stale    post-{kept}  index v1 < table v2" in out
    assert "extra    post-stray  index v3, not in the table" in out
    assert ops.main(["check-index", "--repair"]) == 0
    assert ops.main(["check-index"]) == 0
    assert found(api, author, word) == {kept, missing}

    assert ops.main(["reindex", "--recreate", "--quiet"]) == 0
    assert ops.main(["check-index"]) == 0
    assert found(api, author, word) == {kept, missing}
    indexed()  # the late stream records change nothing: their versions are not newer
    assert ops.main(["check-index"]) == 0


def test_a_banned_members_posts_leave_search_and_come_back_when_the_ban_is_lifted(
    api, admin, author, new_member, community, indexed
):
    from chalicelib import ops

    reader, troll = new_member(), new_member()
    api.call("PUT", f"/communities/{community['id']}/membership", token=troll.token)
    word = marker()
    kept = post(api, author, community["id"], f"{word} 普通の投稿", "本文")
    hidden = post(api, troll, community["id"], f"{word} 荒らしの投稿", "本文")
    troll_diary = diary(api, troll, f"{word} 日記", "本文")
    indexed()
    assert found(api, reader, word) == {kept, hidden, troll_diary}
    assert ops.main(["ban", troll.handle, "--reason", "spam"]) == 0
    indexed()  # the ban marks the troll's posts; the stream carries the mark into the index
    assert found(api, reader, word) == {kept}
    admin_lift = api.call(
        "POST", f"/admin/members/{troll.handle}/unban", {"reason": "appeal granted"}, token=admin.token
    )
    assert admin_lift.status_code == 200, admin_lift.body
    indexed()
    assert found(api, reader, word) == {kept, hidden, troll_diary}


def test_results_say_which_are_official_and_about_how_many_there_are(api, admin, new_member, indexed):
    from content_helpers import create_company, name_staff

    word = marker()
    staff, asker = new_member(), new_member()
    company = create_company(api, admin, name=f"公式検索株式会社 {word[:6]}")
    assert name_staff(api, admin, company["id"], staff, "agent").status_code in (200, 201)
    official = create_community(api, staff, name=f"公式 {word}", company_id=company["id"])
    plain = create_community(api, asker, name=f"ふつう {word}")
    join(api, asker, official["id"])
    inquiry = post(api, asker, official["id"], f"質問 {word}", "本文")
    chat = post(api, asker, plain["id"], f"雑談 {word}", "本文")
    indexed()

    res = api.call("GET", f"/search?q={word}&limit=2", token=asker.token)
    assert res.status_code == 200, res.body
    assert res.json_body["total"] == 4
    flags = {r["id"]: r["official"] for r in search(api, asker, word)}
    assert flags == {official["id"]: True, inquiry: True, plain["id"]: False, chat: False}
