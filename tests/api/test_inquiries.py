"""Inquiries in official communities: open -> answered -> resolved, the inbox and public metrics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from content_helpers import caller_of, comment, create_community, create_company, ids, join, name_staff, post_topic

from chalicelib.posts.models import CommentCreate, PostCreate
from chalicelib.posts.service import PostService


@pytest.fixture
def official(api, admin, new_member):
    """A company with an owner and an agent, its official community and a member who joined it."""
    company = create_company(api, admin, name="株式会社キズナ電機")
    owner, agent, customer = new_member(display_name="広報部"), new_member(display_name="サポート担当"), new_member()
    name_staff(api, admin, company["id"], owner, "owner")
    name_staff(api, owner, company["id"], agent, "agent")
    cid = create_community(api, owner, name="キズナ電機 公式コミュニティ", company_id=company["id"])["id"]
    join(api, customer, cid)
    return company["id"], cid, owner, agent, customer


def clocked(services, clock) -> PostService:
    """The post service with a controlled clock, to stage inquiries at known times."""
    p = services.posts
    return PostService(p.posts, p.communities, p.companies, p.friends, p.members, clock=clock)


def test_member_topic_in_official_community_is_an_open_inquiry(api, official):
    _, cid, owner, _, customer = official
    inquiry = post_topic(api, customer, cid, title="電源が入りません")
    assert inquiry["kind"] == "inquiry" and inquiry["status"] == "open"
    announcement = post_topic(api, owner, cid, title="【お知らせ】新製品のご案内")
    assert announcement["kind"] == "topic" and announcement["status"] is None


def test_inquiry_lifecycle_open_answered_resolved(api, official, new_member):
    _, cid, owner, agent, customer = official
    pid = post_topic(api, customer, cid, title="充電できない")["id"]
    bystander = new_member()
    res = comment(api, bystander, pid, "私も同じです")
    assert res.status_code == 201 and res.json_body["official"] is False
    assert api.call("GET", f"/posts/{pid}", token=customer.token).json_body["status"] == "open"

    answer = comment(api, agent, pid, "ご不便をおかけしております。ACアダプタをご確認ください。")
    assert answer.status_code == 201 and answer.json_body["official"] is True
    assert answer.json_body["author"]["display_name"] == "サポート担当"
    assert api.call("GET", f"/posts/{pid}", token=customer.token).json_body["status"] == "answered"
    assert comment(api, owner, pid, "追記です").json_body["official"] is True
    assert api.call("GET", f"/posts/{pid}", token=customer.token).json_body["status"] == "answered"

    accepted = answer.json_body["id"]
    res = api.call("POST", f"/posts/{pid}/resolve", {"comment_id": accepted}, token=customer.token)
    assert res.status_code == 200, res.body
    assert res.json_body["status"] == "resolved" and res.json_body["accepted_comment_id"] == accepted
    again = api.call("POST", f"/posts/{pid}/resolve", {"comment_id": accepted}, token=customer.token)
    assert again.status_code == 200
    other = comment(api, bystander, pid).json_body["id"]
    res = api.call("POST", f"/posts/{pid}/resolve", {"comment_id": other}, token=agent.token)
    assert res.status_code == 409 and res.json_body["error"]["code"] == "already_resolved"
    comments = api.call("GET", f"/posts/{pid}/comments", token=bystander.token).json_body["items"]
    assert [c["official"] for c in comments] == [False, True, True, False]


def test_staff_may_resolve_and_others_may_not(api, official, new_member):
    _, cid, _, agent, customer = official
    pid = post_topic(api, customer, cid)["id"]
    cmt = comment(api, customer, pid, "自己解決しました").json_body["id"]
    res = api.call("POST", f"/posts/{pid}/resolve", {"comment_id": cmt}, token=new_member().token)
    assert res.status_code == 403
    res = api.call("POST", f"/posts/{pid}/resolve", {"comment_id": "no-such-comment"}, token=customer.token)
    assert res.status_code == 400
    res = api.call("POST", f"/posts/{pid}/resolve", {"comment_id": cmt}, token=agent.token)
    assert res.status_code == 200 and res.json_body["status"] == "resolved"


def test_only_inquiries_can_be_resolved(api, new_member):
    owner = new_member()
    cid = create_community(api, owner)["id"]
    pid = post_topic(api, owner, cid)["id"]
    cmt = comment(api, owner, pid).json_body["id"]
    res = api.call("POST", f"/posts/{pid}/resolve", {"comment_id": cmt}, token=owner.token)
    assert res.status_code == 400 and res.json_body["error"]["code"] == "not_an_inquiry"


def test_member_cannot_post_an_official_comment(api, official):
    _, cid, _, _, customer = official
    pid = post_topic(api, customer, cid)["id"]
    res = api.call("POST", f"/posts/{pid}/comments", {"body": "公式回答です", "official": True}, token=customer.token)
    assert res.status_code == 400
    assert any(d["path"] == "official" for d in res.json_body["error"]["details"])
    post = api.call("GET", f"/posts/{pid}", token=customer.token).json_body
    assert (post["status"], post["comment_count"]) == ("open", 0)


def test_staff_of_another_company_do_not_answer_officially(api, admin, official, new_member):
    _, cid, _, _, customer = official
    rival = create_company(api, admin, name="ライバル社")
    rival_agent = new_member()
    name_staff(api, admin, rival["id"], rival_agent, "agent")
    pid = post_topic(api, customer, cid)["id"]
    assert comment(api, rival_agent, pid).json_body["official"] is False
    assert api.call("GET", f"/posts/{pid}", token=customer.token).json_body["status"] == "open"


def test_inbox_is_staff_only(api, official, new_member):
    company_id, _, _, _, customer = official
    for member in (customer, new_member()):
        res = api.call("GET", f"/companies/{company_id}/inbox?status=open", token=member.token)
        assert res.status_code == 403 and res.json_body["error"]["code"] == "not_company_staff"
    assert api.call("GET", "/companies/no-such-company/inbox", token=customer.token).status_code == 404


def test_inbox_lists_open_inquiries_oldest_first_with_waiting_time(api, services, official):
    company_id, cid, owner, agent, customer = official
    now = datetime.now(UTC)
    staged = {}
    for label, age in (("older", timedelta(hours=3)), ("newer", timedelta(minutes=5))):
        svc = clocked(services, lambda age=age: now - age)
        staged[label] = svc.create_topic(
            caller_of(customer), cid, PostCreate(title=f"{label}の問い合わせ", body="至急")
        ).id
    res = api.call("GET", f"/companies/{company_id}/inbox?status=open", token=agent.token)
    assert res.status_code == 200, res.body
    items = res.json_body["items"]
    assert [i["inquiry"]["id"] for i in items] == [staged["older"], staged["newer"]]
    assert 3 * 3600 <= items[0]["waiting_s"] < 3 * 3600 + 60
    assert 300 <= items[1]["waiting_s"] < 360
    assert items[0]["inquiry"]["title"] == "olderの問い合わせ"

    comment(api, agent, staged["older"], "確認いたします")
    open_now = api.call("GET", f"/companies/{company_id}/inbox", token=owner.token).json_body
    assert [i["inquiry"]["id"] for i in open_now["items"]] == [staged["newer"]]
    answered = api.call("GET", f"/companies/{company_id}/inbox?status=answered", token=owner.token).json_body
    assert [i["inquiry"]["id"] for i in answered["items"]] == [staged["older"]]
    assert 3 * 3600 <= answered["items"][0]["waiting_s"] < 3 * 3600 + 60
    assert api.call("GET", f"/companies/{company_id}/inbox?status=closed", token=owner.token).status_code == 400


def test_deleted_inquiry_leaves_the_inbox_and_the_counts(api, official):
    company_id, cid, _, agent, customer = official
    pid = post_topic(api, customer, cid)["id"]
    assert api.call("GET", f"/companies/{company_id}/metrics", token=customer.token).json_body["open"] == 1
    assert api.call("DELETE", f"/posts/{pid}", token=customer.token).status_code == 204
    inbox = api.call("GET", f"/companies/{company_id}/inbox", token=agent.token).json_body
    assert pid not in [i["inquiry"]["id"] for i in inbox["items"]]
    assert pid not in ids(api.call("GET", f"/communities/{cid}/posts", token=agent.token).json_body)
    assert api.call("GET", f"/companies/{company_id}/metrics", token=customer.token).json_body["open"] == 0


def test_metrics_publish_counts_and_first_response_times(api, services, official, new_member):
    company_id, cid, _, agent, customer = official
    start = datetime.now(UTC) - timedelta(days=10)
    asker, staff = caller_of(customer), caller_of(agent)
    response_times = [60, 120, 180, 3600, 90_000]
    for i, delay in enumerate(response_times):
        pid = clocked(services, lambda: start).create_topic(asker, cid, PostCreate(title=f"質問{i}", body="…")).id
        answered_at = start + timedelta(seconds=delay)
        reply = clocked(services, lambda t=answered_at: t).comment(staff, pid, CommentCreate(body="回答します"))
        if delay == 180:
            services.posts.resolve(asker, pid, reply.id)
    clocked(services, lambda: start).create_topic(asker, cid, PostCreate(title="放置された質問", body="…"))
    post_topic(api, customer, cid, title="さっきの質問")

    res = api.call("GET", f"/companies/{company_id}/metrics", token=new_member().token)
    assert res.status_code == 200, res.body
    assert res.json_body == {
        "open": 2,
        "answered": 4,
        "resolved": 1,
        "median_first_response_s": 180,
        "p90_first_response_s": 90_000,
        # 4 answered within a day, out of 5 answered + 1 still open after a day
        "answered_within_24h_ratio": round(4 / 6, 4),
    }


def test_metrics_of_a_company_without_inquiries(api, admin, new_member):
    company = create_company(api, admin)
    res = api.call("GET", f"/companies/{company['id']}/metrics", token=new_member().token)
    assert res.json_body == {
        "open": 0,
        "answered": 0,
        "resolved": 0,
        "median_first_response_s": None,
        "p90_first_response_s": None,
        "answered_within_24h_ratio": None,
    }
