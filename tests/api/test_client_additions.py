"""What the web client needs from the API besides notifications (issue 10): comment edits, blank
text, invite links, a member's communities, the profile's relation and bio, a password change."""

from __future__ import annotations

from content_helpers import comment, create_community, create_company, join, name_staff, post_topic


def test_a_comment_is_edited_and_deleted_by_its_author_only(api, new_member):
    alice, bob = new_member(), new_member()
    community = create_community(api, alice, name="編集テスト")
    join(api, bob, community["id"])
    topic = post_topic(api, alice, community["id"])
    made = comment(api, bob, topic["id"], body="最初の文").json_body
    url = f"/posts/{topic['id']}/comments/{made['id']}"

    assert api.call("PATCH", url, {"body": "他人が変える"}, token=alice.token).status_code == 403
    edited = api.call("PATCH", url, {"body": "直した文"}, token=bob.token)
    assert edited.status_code == 200 and edited.json_body["body"] == "直した文" and edited.json_body["edited_at"]
    listed = api.call("GET", f"/posts/{topic['id']}/comments", token=alice.token).json_body["items"]
    assert [(c["id"], c["body"]) for c in listed] == [(made["id"], "直した文")]
    blank = api.call("PATCH", url, {"body": " \n\u3000 "}, token=bob.token)
    assert blank.status_code == 400 and blank.json_body["error"]["details"][0]["type"] == "blank"

    assert api.call("DELETE", url, token=bob.token).status_code == 204
    assert api.call("GET", f"/posts/{topic['id']}", token=alice.token).json_body["comment_count"] == 0
    assert api.call("DELETE", url, token=bob.token).status_code == 404
    assert api.call("PATCH", url, {"body": "もうない"}, token=bob.token).status_code == 404
    assert api.call("DELETE", f"/posts/{topic['id']}/comments/..%2F", token=bob.token).status_code in (400, 404)


def test_a_community_owner_deletes_a_comment_in_their_community(api, new_member):
    owner, member = new_member(), new_member()
    community = create_community(api, owner, name="管理人の削除")
    join(api, member, community["id"])
    topic = post_topic(api, member, community["id"])
    made = comment(api, member, topic["id"]).json_body
    assert api.call("DELETE", f"/posts/{topic['id']}/comments/{made['id']}", token=owner.token).status_code == 204


def test_blank_titles_and_comments_are_refused_at_their_field(api, new_member):
    alice = new_member()
    community = create_community(api, alice, name="空白テスト")
    res = api.call(
        "POST", f"/communities/{community['id']}/posts", {"title": "\u3000 ", "body": "x"}, token=alice.token
    )
    assert res.status_code == 400
    assert [(d["path"], d["type"]) for d in res.json_body["error"]["details"]] == [("title", "blank")]
    topic = post_topic(api, alice, community["id"])
    res = api.call("POST", f"/posts/{topic['id']}/comments", {"body": "  \n\t "}, token=alice.token)
    assert res.status_code == 400 and res.json_body["error"]["details"][0]["type"] == "blank"
    assert api.call("GET", f"/posts/{topic['id']}", token=alice.token).json_body["comment_count"] == 0


def test_an_invite_carries_the_link_that_opens_signup_with_its_code(api, new_member):
    alice = new_member()
    made = api.call("POST", "/invites", {"note": "友だちへ"}, token=alice.token).json_body
    assert made["url"] == f"/#/signup?code={made['code']}"
    listed = api.call("GET", "/invites", token=alice.token).json_body["items"]
    assert [i["url"] for i in listed] == [made["url"]]


def test_a_members_communities_latest_first_with_ones_own_role(api, new_member):
    alice, bob = new_member(), new_member()
    first = create_community(api, alice, name="最初のコミュ")
    second = create_community(api, bob, name="二番目のコミュ")
    join(api, alice, second["id"])

    mine = api.call("GET", f"/members/{alice.handle}/communities", token=alice.token).json_body
    assert [(c["id"], c["your_role"]) for c in mine["items"]] == [(second["id"], "member"), (first["id"], "owner")]
    theirs = api.call("GET", f"/members/{alice.handle}/communities?limit=1", token=bob.token).json_body
    assert [(c["id"], c["your_role"]) for c in theirs["items"]] == [(second["id"], None)]
    rest = api.call("GET", f"/members/{alice.handle}/communities?cursor={theirs['next_cursor']}", token=bob.token)
    assert [c["id"] for c in rest.json_body["items"]] == [first["id"]]
    other = api.call("GET", f"/members/{bob.handle}/communities?cursor={theirs['next_cursor']}", token=bob.token)
    assert other.status_code == 400 and other.json_body["error"]["code"] == "invalid_cursor"
    api.call("DELETE", f"/communities/{second['id']}/membership", token=alice.token)
    mine = api.call("GET", f"/members/{alice.handle}/communities", token=alice.token).json_body
    assert [c["id"] for c in mine["items"]] == [first["id"]]
    assert api.call("GET", "/members/nobody_here_x/communities", token=alice.token).status_code == 404


def test_a_profile_shows_its_bio_and_how_the_reader_stands_to_them(api, new_member):
    alice, bob = new_member(), new_member()
    assert api.call("PATCH", "/me", {"bio": "<script>x</script> ラーメン好き"}, token=alice.token).status_code == 200
    profile = api.call("GET", f"/members/{alice.handle}", token=bob.token).json_body
    assert (profile["bio"], profile["relation"]) == ("<script>x</script> ラーメン好き", "none")
    api.call("POST", f"/friends/{alice.handle}", token=bob.token)
    assert api.call("GET", f"/members/{alice.handle}", token=bob.token).json_body["relation"] == "requested"
    assert api.call("GET", f"/members/{bob.handle}", token=alice.token).json_body["relation"] == "pending"
    api.call("POST", f"/friends/{bob.handle}", token=alice.token)
    assert api.call("GET", f"/members/{bob.handle}", token=alice.token).json_body["relation"] == "friends"
    assert api.call("GET", f"/members/{alice.handle}", token=alice.token).json_body["relation"] == "self"
    assert api.call("PATCH", "/me", {"bio": "x" * 1001}, token=alice.token).status_code == 400


def test_a_password_change_needs_the_current_one(api, new_member):
    alice = new_member()
    wrong = api.call("POST", "/me/password", {"current_password": "nope", "new_password": "ab" * 8}, token=alice.token)
    assert wrong.status_code == 400 and wrong.json_body["error"]["details"][0]["path"] == "current_password"
    short = api.call(
        "POST", "/me/password", {"current_password": alice.password, "new_password": "x"}, token=alice.token
    )
    assert short.status_code == 400 and short.json_body["error"]["details"][0]["path"] == "new_password"
    new = "a-fresh-long-passphrase"
    ok = api.call("POST", "/me/password", {"current_password": alice.password, "new_password": new}, token=alice.token)
    assert ok.status_code == 204
    assert api.call("POST", "/auth/login", {"handle": alice.handle, "password": new}).status_code == 200
    assert api.call("POST", "/auth/login", {"handle": alice.handle, "password": alice.password}).status_code == 401


def test_a_password_change_ends_every_other_session_of_the_member(api, new_member):
    alice, bob = new_member(), new_member()
    other = api.call("POST", "/auth/login", {"handle": alice.handle, "password": alice.password})
    assert other.status_code == 200
    elsewhere = other.json_body["token"]
    assert api.call("GET", "/me", token=elsewhere).status_code == 200

    new = "another-long-passphrase"
    res = api.call("POST", "/me/password", {"current_password": alice.password, "new_password": new}, token=alice.token)
    assert res.status_code == 204
    assert api.call("GET", "/me", token=elsewhere).status_code == 401  # the other browser is out
    assert api.call("GET", "/me", token=alice.token).status_code == 200  # the one that changed it stays
    assert api.call("GET", "/me", token=bob.token).status_code == 200  # nobody else is touched


def test_a_companys_official_communities_oldest_first_with_the_readers_role(api, admin, new_member):
    owner, reader = new_member(), new_member()
    company = create_company(api, admin, name="公式一覧株式会社")
    assert name_staff(api, admin, company["id"], owner, "owner").status_code == 200
    first = create_community(api, owner, name="公式一覧サポート", company_id=company["id"])
    second = create_community(api, owner, name="公式一覧ファン", company_id=company["id"])
    create_community(api, owner, name="公式ではない")
    join(api, reader, second["id"])

    res = api.call("GET", f"/companies/{company['id']}/communities", token=reader.token).json_body
    assert [(c["id"], c["your_role"], c["official"]) for c in res["items"]] == [
        (first["id"], None, True),
        (second["id"], "member", True),
    ]
    assert api.call("GET", f"/companies/{'0' * 32}/communities", token=reader.token).status_code == 404


def test_a_profile_lists_the_members_friends_but_not_their_requests(api, new_member):
    alice, bob, carol = new_member(), new_member(), new_member()
    api.call("POST", f"/friends/{bob.handle}", token=alice.token)
    api.call("POST", f"/friends/{alice.handle}", token=bob.token)
    api.call("POST", f"/friends/{alice.handle}", token=carol.token)  # pending: private
    listed = api.call("GET", f"/members/{alice.handle}/friends", token=carol.token).json_body["items"]
    assert bob.handle in [f["handle"] for f in listed] and carol.handle not in [f["handle"] for f in listed]
    assert all(f["state"] == "friends" for f in listed)
    assert api.call("GET", "/members/nobody_here_y/friends", token=carol.token).status_code == 404
