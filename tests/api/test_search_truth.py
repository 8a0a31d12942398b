"""GET /search shows what DynamoDB lets the caller read now, whatever the index lag (issue 13).

The relay of ``indexed`` only moves when called, so a search made before calling it again sees an
index that has not caught up: the results must still follow the tables. Also: ``community_id``,
highlighted titles, the company of official results. (A banned author's posts: the unit tests of
the service, ``tests/unit/test_service_search.py``.)
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import quote

import pytest
from content_helpers import create_community, create_company, join, name_staff
from test_search import diary, post

from tests.conftest import marker


def page(api: Any, member: Any, q: str, limit: int = 50, cursor: str | None = None, **params: str) -> dict[str, Any]:
    query = f"q={quote(q)}&limit={limit}" + "".join(f"&{k}={quote(v)}" for k, v in params.items())
    res = api.call("GET", "/search?" + query + (f"&cursor={quote(cursor)}" if cursor else ""), token=member.token)
    assert res.status_code == 200, res.body
    return dict(res.json_body)


def found(api: Any, member: Any, q: str, **params: str) -> list[str]:
    return [r["id"] for r in page(api, member, q, **params)["results"]]


@pytest.fixture
def author(new_member: Any) -> Any:
    return new_member(display_name="書く人")


@pytest.fixture
def community(api: Any, author: Any) -> dict[str, Any]:
    return create_community(api, author, name=f"真実テスト {uuid.uuid4().hex[:6]}", description="テスト用")


def test_a_diary_made_private_leaves_a_strangers_results_before_the_index_knows(api, author, new_member, indexed):
    stranger = new_member()
    word = marker()
    entry = diary(api, author, f"公開日記 {word}")
    indexed()
    assert found(api, stranger, word) == [entry]

    res = api.call("PATCH", f"/posts/{entry}", {"visibility": "private"}, token=author.token)
    assert res.status_code == 200, res.body
    # No indexed(): the index still says "members".
    assert found(api, stranger, word) == []
    assert found(api, author, word) == [entry]


def test_a_deleted_post_leaves_the_results_at_once(api, author, community, indexed):
    word = marker()
    gone = post(api, author, community["id"], f"消える投稿 {word}")
    kept = post(api, author, community["id"], f"残る投稿 {word}")
    indexed()
    assert set(found(api, author, word)) == {gone, kept}

    assert api.call("DELETE", f"/posts/{gone}", token=author.token).status_code == 204
    assert found(api, author, word) == [kept]


def test_an_edited_title_is_shown_as_it_is_now(api, author, community, indexed):
    word = marker()
    edited = post(api, author, community["id"], f"古い題 {word}")
    indexed()

    res = api.call("PATCH", f"/posts/{edited}", {"title": f"新しい <題> {word}"}, token=author.token)
    assert res.status_code == 200, res.body
    (result,) = page(api, author, word)["results"]

    assert result["title"] == f"新しい <題> {word}"
    # The index's marks belong to the old title: the new one is escaped and marked by the query's words.
    assert result["title_highlight"] == f"新しい &lt;題&gt; <mark>{word}</mark>"
    indexed()
    (result,) = page(api, author, word)["results"]
    assert result["title_highlight"] == f"新しい &lt;題&gt; <mark>{word}</mark>"


def test_titles_are_highlighted_and_escaped_like_snippets(api, author, community, indexed):
    word = marker()
    post(api, author, community["id"], f'<script>x</script> & {word} "引用"', "本文だけ")
    c = create_community(api, author, name=f"<b>太字</b> {word}")
    indexed()

    results = {r["type"]: r for r in page(api, author, word)["results"]}

    assert results["post"]["title_highlight"] == (
        f"&lt;script&gt;x&lt;/script&gt; &amp; <mark>{word}</mark> &quot;引用&quot;"
    )
    assert results["post"]["title"] == f'<script>x</script> & {word} "引用"'
    assert results["community"]["id"] == c["id"]
    assert results["community"]["title_highlight"] == f"&lt;b&gt;太字&lt;/b&gt; <mark>{word}</mark>"


def test_community_id_searches_one_communitys_posts(api, author, community, indexed):
    word = marker()
    other = create_community(api, author, name=f"別の {word}")
    here = [post(api, author, community["id"], f"ここ {word} {i}") for i in range(3)]
    there = post(api, author, other["id"], f"あちら {word}")
    diary(api, author, f"日記 {word}")
    indexed()

    assert set(found(api, author, word, community_id=community["id"])) == set(here)
    assert found(api, author, word, community_id=other["id"]) == [there]  # posts only: not the community itself
    # An unknown community is no error: nothing is found in it.
    assert page(api, author, word, community_id="no-such-community")["results"] == []
    res = api.call("GET", f"/search?q={word}&community_id=not%20an%20id", token=author.token)
    assert res.status_code == 400, res.body

    cursor = page(api, author, word, limit=1, community_id=community["id"])["next_cursor"]
    assert cursor
    assert len(page(api, author, word, limit=5, cursor=cursor, community_id=community["id"])["results"]) == 2
    for params in ({"community_id": other["id"]}, {}):
        query = f"/search?q={word}&cursor={quote(cursor)}" + "".join(f"&{k}={v}" for k, v in params.items())
        res = api.call("GET", query, token=author.token)
        assert res.status_code == 400, (params, res.body)
        assert res.json_body["error"]["code"] == "invalid_cursor"


def test_a_hidden_hit_in_the_first_window_does_not_shorten_the_page(api, author, community, indexed):
    word = marker()
    posted = {post(api, author, community["id"], f"同じ {word}", "同じ本文") for _ in range(5)}
    indexed()
    ranking = found(api, author, word)
    assert set(ranking) == posted

    assert api.call("DELETE", f"/posts/{ranking[1]}", token=author.token).status_code == 204
    first = page(api, author, word, limit=2)  # the index still has it, second in rank
    second = page(api, author, word, limit=2, cursor=first["next_cursor"])

    assert [r["id"] for r in first["results"]] == [ranking[0], ranking[2]]
    assert [r["id"] for r in second["results"]] == [ranking[3], ranking[4]]
    assert second["next_cursor"] is None


def test_official_results_name_their_company(api, admin, new_member, indexed):
    word = marker()
    staff, asker = new_member(), new_member()
    name = f"真実株式会社 {word[:6]}"
    company = create_company(api, admin, name=name)
    assert name_staff(api, admin, company["id"], staff, "agent").status_code in (200, 201)
    official = create_community(api, staff, name=f"公式 {word}", company_id=company["id"])
    plain = create_community(api, asker, name=f"ふつう {word}")
    join(api, asker, official["id"])
    inquiry = post(api, asker, official["id"], f"質問 {word}")
    chat = post(api, asker, plain["id"], f"雑談 {word}")
    indexed()

    marks = {r["id"]: (r["official"], r["company_name"]) for r in page(api, asker, word)["results"]}

    assert marks == {
        official["id"]: (True, name),
        inquiry: (True, name),
        plain["id"]: (False, None),
        chat: (False, None),
    }
