"""Community topics, /posts/{id}, comments: who may post, edit, delete; lists and counts stay exact."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from content_helpers import caller_of, comment, create_community, ids, join, post_topic

from chalicelib.posts.models import CommentCreate


def test_member_posts_a_topic_and_japanese_round_trips(api, new_member):
    owner = new_member(display_name="山田花子")
    cid = create_community(api, owner, name="DSライト研究会")["id"]
    body = {"title": "ＤＳ Lite の色、何にした？", "body": "クリスタルホワイト派です。\n改行も😀絵文字も。"}
    res = api.call("POST", f"/communities/{cid}/posts", body, token=owner.token)
    assert res.status_code == 201, res.body
    post = res.json_body
    assert (post["title"], post["body"]) == (body["title"], body["body"])
    assert post["kind"] == "topic" and post["status"] is None
    assert post["community"] == {"id": cid, "name": "DSライト研究会"}
    assert post["author"] == {"handle": owner.handle, "display_name": "山田花子"}
    got = api.call("GET", f"/posts/{post['id']}", token=new_member().token).json_body
    assert (got["title"], got["body"]) == (body["title"], body["body"])


def test_non_member_cannot_post_in_community(api, new_member):
    owner, outsider = new_member(), new_member()
    cid = create_community(api, owner)["id"]
    res = api.call(
        "POST", f"/communities/{cid}/posts", {"title": "こんにちは", "body": "入ってないけど"}, token=outsider.token
    )
    assert res.status_code == 403 and res.json_body["error"]["code"] == "not_a_member"
    assert api.call("GET", f"/communities/{cid}/posts", token=outsider.token).json_body["items"] == []
    res = api.call("POST", "/communities/nope/posts", {"title": "a", "body": "b"}, token=outsider.token)
    assert res.status_code == 404


def test_any_member_reads_community_posts_newest_first_page_by_page(api, new_member):
    owner, reader = new_member(), new_member()
    cid = create_community(api, owner)["id"]
    made = [post_topic(api, owner, cid, title=f"トピック{i}")["id"] for i in range(3)]
    first = api.call("GET", f"/communities/{cid}/posts?limit=2", token=reader.token).json_body
    second = api.call(
        "GET", f"/communities/{cid}/posts?limit=2&cursor={first['next_cursor']}", token=reader.token
    ).json_body
    assert ids(first) + ids(second) == list(reversed(made))


def test_author_edits_their_post(api, new_member):
    owner = new_member()
    cid = create_community(api, owner)["id"]
    pid = post_topic(api, owner, cid)["id"]
    res = api.call("PATCH", f"/posts/{pid}", {"body": "書き直しました。"}, token=owner.token)
    assert res.status_code == 200 and res.json_body["body"] == "書き直しました。"
    assert res.json_body["title"] == "おすすめのソフトは？"
    assert api.call("GET", f"/posts/{pid}", token=owner.token).json_body["body"] == "書き直しました。"


def test_another_member_cannot_edit_or_delete_a_post(api, new_member):
    owner, member = new_member(), new_member()
    cid = create_community(api, owner)["id"]
    join(api, member, cid)
    pid = post_topic(api, owner, cid)["id"]
    res = api.call("PATCH", f"/posts/{pid}", {"title": "乗っ取り"}, token=member.token)
    assert res.status_code == 403
    assert api.call("DELETE", f"/posts/{pid}", token=member.token).status_code == 403
    assert api.call("GET", f"/posts/{pid}", token=member.token).json_body["title"] == "おすすめのソフトは？"


def test_bad_post_input_is_rejected_and_nothing_is_written(api, new_member):
    owner = new_member()
    cid = create_community(api, owner)["id"]
    pid = post_topic(api, owner, cid)["id"]
    before = api.call("GET", "/stats", token=owner.token).json_body["posts"]
    for body in (
        {"title": "", "body": "x"},
        {"title": "t"},
        {"title": "あ" * 101, "body": "x"},
        {"title": 1, "body": "x"},
    ):
        res = api.call("POST", f"/communities/{cid}/posts", body, token=owner.token)
        assert res.status_code == 400, body
        assert res.json_body["error"]["details"]
    for body in ({}, {"title": ""}, {"visibility": "friends"}, {"author": "x"}):
        assert api.call("PATCH", f"/posts/{pid}", body, token=owner.token).status_code == 400, body
    assert comment(api, owner, pid, body="").status_code == 400
    assert api.call("GET", "/stats", token=owner.token).json_body["posts"] == before
    assert len(api.call("GET", f"/communities/{cid}/posts", token=owner.token).json_body["items"]) == 1
    assert api.call("GET", f"/posts/{pid}", token=owner.token).json_body["comment_count"] == 0


def test_author_moderator_owner_and_admin_may_delete(api, new_member, admin):
    owner, moderator, author = new_member(), new_member(), new_member()
    cid = create_community(api, owner)["id"]
    join(api, moderator, cid)
    join(api, author, cid)
    api.call("PUT", f"/communities/{cid}/moderators/{moderator.handle}", token=owner.token)
    for deleter in (author, moderator, owner, admin):
        pid = post_topic(api, author, cid)["id"]
        res = api.call("DELETE", f"/posts/{pid}", token=deleter.token)
        assert res.status_code == 204, res.body
        assert api.call("GET", f"/posts/{pid}", token=author.token).status_code == 404


def test_deleted_post_disappears_from_every_list_and_count(api, new_member):
    owner, reader = new_member(), new_member()
    cid = create_community(api, owner)["id"]
    keep = post_topic(api, owner, cid, title="残す")["id"]
    gone = post_topic(api, owner, cid, title="消す")["id"]
    assert comment(api, reader, gone).status_code == 201
    posts_before = api.call("GET", "/stats", token=owner.token).json_body["posts"]
    assert api.call("DELETE", f"/posts/{gone}", token=owner.token).status_code == 204
    assert ids(api.call("GET", f"/communities/{cid}/posts", token=reader.token).json_body) == [keep]
    assert api.call("GET", f"/posts/{gone}", token=reader.token).status_code == 404
    assert api.call("GET", f"/posts/{gone}/comments", token=reader.token).status_code == 404
    assert comment(api, reader, gone).status_code == 404
    assert api.call("DELETE", f"/posts/{gone}", token=owner.token).status_code == 404
    assert api.call("GET", "/stats", token=owner.token).json_body["posts"] == posts_before - 1


def test_comments_are_oldest_first_and_counted(api, new_member):
    owner, a, b = new_member(), new_member(display_name="コメント太郎"), new_member()
    cid = create_community(api, owner)["id"]
    pid = post_topic(api, owner, cid)["id"]
    texts = ["一番乗り！", "二番目です", "三番目。よろしく"]
    for member, text in zip((a, b, a), texts, strict=True):
        res = comment(api, member, pid, text)
        assert res.status_code == 201 and res.json_body["official"] is False
    page = api.call("GET", f"/posts/{pid}/comments?limit=2", token=owner.token).json_body
    rest = api.call("GET", f"/posts/{pid}/comments?cursor={page['next_cursor']}", token=owner.token).json_body
    assert [c["body"] for c in page["items"] + rest["items"]] == texts
    assert page["items"][0]["author"] == {"handle": a.handle, "display_name": "コメント太郎"}
    assert api.call("GET", f"/posts/{pid}", token=owner.token).json_body["comment_count"] == 3


def test_comment_count_stays_exact_under_concurrent_comments(api, services, new_member):
    owner = new_member()
    cid = create_community(api, owner)["id"]
    pid = post_topic(api, owner, cid)["id"]
    caller = caller_of(owner)
    with ThreadPoolExecutor(max_workers=30) as pool:
        list(pool.map(lambda i: services.posts.comment(caller, pid, CommentCreate(body=f"コメント{i}")), range(30)))
    assert api.call("GET", f"/posts/{pid}", token=owner.token).json_body["comment_count"] == 30
    assert len(api.call("GET", f"/posts/{pid}/comments?limit=100", token=owner.token).json_body["items"]) == 30


def test_withdrawn_authors_show_as_withdrawn_member(api, new_member):
    owner, leaver = new_member(), new_member()
    cid = create_community(api, owner)["id"]
    join(api, leaver, cid)
    pid = post_topic(api, leaver, cid)["id"]
    api.call("DELETE", "/me", token=leaver.token)
    post = api.call("GET", f"/posts/{pid}", token=owner.token).json_body
    assert post["author"] == {"handle": None, "display_name": "withdrawn member"}


def test_a_blank_comment_or_body_is_refused_at_the_field(api, new_member):
    author = new_member()
    res = api.call("POST", "/diary", {"title": "日記", "body": "本文", "visibility": "members"}, token=author.token)
    post_id = res.json_body["id"]
    for blank in (" ", "\n\n", "\u3000\u3000", " \t "):
        res = api.call("POST", f"/posts/{post_id}/comments", {"body": blank}, token=author.token)
        assert res.status_code == 400, (repr(blank), res.body)
        assert res.json_body["error"]["details"][0]["path"] == "body"
        res = api.call("POST", "/diary", {"title": "日記", "body": blank}, token=author.token)
        assert res.status_code == 400, (repr(blank), res.body)
    assert api.call("GET", f"/posts/{post_id}", token=author.token).json_body["comment_count"] == 0
