"""Every transactional write survives a lost race: a TransactionConflict is retried, not surfaced.

DynamoDB cancels a transaction with ``TransactionConflict`` when another one touches the same item
at the same moment. The test makes the first attempt of each transactional write fail that way
(before DynamoDB Local sees it), then checks the write still happened, exactly once. A guard test
reads the stores' source: each method that runs a transaction must have its scenario here.
"""

from __future__ import annotations

import ast
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from msgspec import structs
from pynamodb.exceptions import CancellationReason, VerboseClientError

from chalicelib.communities.models import Community, Membership
from chalicelib.companies.models import Company
from chalicelib.invites.models import Invite
from chalicelib.kernel import Member, new_id, secret_token, sortable_id, utcnow
from chalicelib.moderation.models import Report, Resolution
from chalicelib.placements.models import Campaign, Keyword, Target
from chalicelib.placements.service import ad_day
from chalicelib.placements.tokens import ImpressionTokens
from chalicelib.posts.models import Comment, Post

STORES = Path(__file__).resolve().parents[2] / "chalicelib" / "adapters" / "dynamodb"


class Conflicts:
    """Wraps the stores' connection: the next ``armed`` TransactWriteItems calls lose a race."""

    def __init__(self, connection: Any):
        self._dispatch = connection.dispatch
        self.armed = 0
        self.injected = 0
        self.sent = 0

    def __call__(self, operation: str, kwargs: dict[str, Any]) -> Any:
        if operation == "TransactWriteItems":
            if self.armed:
                self.armed -= 1
                self.injected += 1
                reasons = [CancellationReason(code="TransactionConflict")] + [None] * (len(kwargs["TransactItems"]) - 1)
                raise VerboseClientError(
                    {"Error": {"Code": "TransactionCanceledException", "Message": "[TransactionConflict]"}},
                    operation,
                    cancellation_reasons=reasons,
                )
            self.sent += 1
        return self._dispatch(operation, kwargs)


@pytest.fixture
def conflicts(services, monkeypatch) -> Iterator[Conflicts]:
    connection = services.stores.dynamo.connection
    injector = Conflicts(connection)
    monkeypatch.setattr(connection, "dispatch", injector)
    yield injector


def _member(handle: str | None = None) -> Member:
    handle = handle or f"tx_{uuid.uuid4().hex[:12]}"
    return Member(new_id(), handle, "取引", f"{handle}@example.com", "x", ["member"], 5, None, "active", utcnow(), 1)


def _invite(inviter: Member) -> Invite:
    now = utcnow()
    return Invite(secret_token(), inviter.id, inviter.handle, None, "active", now, now + timedelta(days=1))


def _community(owner: Member, company_id: str | None = None) -> tuple[Community, Membership]:
    now = utcnow()
    c = Community(new_id(), "取引テスト", "", "other", owner.id, owner.handle, company_id, None, 1, now, 1)
    return c, Membership(c.id, owner.id, owner.handle, "owner", now)


def _post(author: Member, company_id: str | None = None) -> Post:
    now = utcnow()
    kind, status = ("inquiry", "open") if company_id else ("topic", None)
    return Post(new_id(), kind, author.id, author.handle, "題", "本文", "members", None, None, company_id, status,
                now, now, version=1)  # fmt: skip


def _comment(post: Post, author: Member) -> Comment:
    return Comment(post.id, sortable_id(), author.id, author.handle, "コメント", False, utcnow())


def _report(reporter: Member, accused: Member) -> Report:
    target = new_id()
    return Report(new_id(), "post", target, f"post#{target}", accused.id, "spam", reporter.id, reporter.handle, None,
                  "open", utcnow())  # fmt: skip


def _campaign() -> Campaign:
    now = utcnow()
    return Campaign(new_id(), new_id(), "取引株式会社", "c", Target("community", new_id()), "h", "t",
                    [Keyword("rpg", "broad", 10)], [], 1000, "active", now, now)  # fmt: skip


# Each scenario: (setup that needs no conflict, the write under test, the check that it happened once).
Scenario = Callable[[Any], tuple[Callable[[], Any], Callable[[Any], None]]]


def member_create(st: Any) -> Any:
    m = _member()
    return lambda: st.members.create(m), lambda _: _assert(st.members.get_by_handle(m.handle).id == m.id)


def member_signup(st: Any) -> Any:
    inviter = _member()
    st.members.create(inviter)
    invite = _invite(inviter)
    st.invites.create(invite)
    m = _member()

    def check(_: Any) -> None:
        assert st.invites.get(invite.code).status == "used"
        assert st.friends.are_friends(m.id, inviter.id)

    return lambda: st.members.signup(m, invite, utcnow()), check


def member_end_membership(st: Any) -> Any:
    m = _member()
    st.members.create(m)
    return lambda: st.members.end_membership(m.id, "withdrawn"), lambda ok: _assert(
        ok and st.members.get(m.id).status == "withdrawn"
    )


def ban_ban(st: Any) -> Any:
    from chalicelib.moderation.models import Ban

    m = _member()
    st.members.create(m)
    ban = Ban(m.id, 1, None, "spam", utcnow())
    return lambda: st.bans.ban(m, ban), lambda ok: _assert(ok and st.members.get(m.id).status == "banned")


def ban_lift(st: Any) -> Any:
    from chalicelib.moderation.models import Ban

    m = _member()
    st.members.create(m)
    st.bans.ban(m, Ban(m.id, 1, None, "spam", utcnow()))
    return lambda: st.bans.lift(m.id), lambda ok: _assert(ok and st.members.get(m.id).status == "active")


def _held_post(st: Any) -> Post:

    from chalicelib.posts.models import SpamVerdict

    verdict = SpamVerdict(True, 1.5, 1.0, [{"name": "links", "weight": 1.5, "detail": "3 outside links"}])
    post = structs.replace(_post(_member()), held=True, held_id=sortable_id(), spam=verdict)
    st.posts.create(post)
    return post


def _held_comment(st: Any) -> tuple[Post, Comment]:

    from chalicelib.posts.models import SpamVerdict

    post = _post(_member())
    st.posts.create(post)
    verdict = SpamVerdict(True, 1.5, 1.0, [{"name": "links", "weight": 1.5, "detail": "3 outside links"}])
    held = structs.replace(_comment(post, _member()), held=True, held_id=sortable_id(), spam=verdict)
    assert st.posts.add_comment(post, held, False)
    return post, held


def _review(decision: str) -> Any:
    from chalicelib.moderation.models import Review

    return Review(decision, "mod-id", "mod", utcnow())  # type: ignore[arg-type]


def held_approve(st: Any) -> Any:
    post = _held_post(st)
    entry = st.held.get(post.held_id)
    return lambda: st.held.approve(entry, _review("approved")), lambda outcome: _assert(
        outcome == "done" and not st.posts.get(post.id).held
    )


def held_approve_comment(st: Any) -> Any:
    post, held = _held_comment(st)
    entry = st.held.get(held.held_id)
    return lambda: st.held.approve(entry, _review("approved")), lambda outcome: _assert(
        outcome == "done" and st.posts.get(post.id).comment_count == 1
    )


def held_reject(st: Any) -> Any:
    post = _held_post(st)
    entry = st.held.get(post.held_id)
    return lambda: st.held.reject(entry, _review("rejected")), lambda outcome: _assert(
        outcome == "done" and st.posts.get(post.id) is None
    )


def invite_create(st: Any) -> Any:
    m = _member()
    st.members.create(m)
    invite = _invite(m)
    return lambda: st.invites.create(invite), lambda _: _assert(st.members.get(m.id).invites_left == 4)


def invite_revoke(st: Any) -> Any:
    m = _member()
    st.members.create(m)
    invite = _invite(m)
    st.invites.create(invite)
    return lambda: st.invites.revoke(invite.code, m.id), lambda ok: _assert(
        ok and st.invites.get(invite.code).status == "revoked" and st.members.get(m.id).invites_left == 5
    )


def friend_link(st: Any) -> Any:
    a, b = _member(), _member()
    return lambda: st.friends.link(
        (a.id, a.handle), (b.id, b.handle), "friends", "friends", utcnow()
    ), lambda _: _assert(st.friends.are_friends(a.id, b.id) and st.friends.are_friends(b.id, a.id))


def friend_unlink(st: Any) -> Any:
    a, b = _member(), _member()
    st.friends.link((a.id, a.handle), (b.id, b.handle), "friends", "friends", utcnow())
    return lambda: st.friends.unlink(a.id, b.id), lambda _: _assert(
        st.friends.get(a.id, b.id) is None and st.friends.get(b.id, a.id) is None
    )


def community_create(st: Any) -> Any:
    c, owner = _community(_member())
    return lambda: st.communities.create(c, owner), lambda _: _assert(st.communities.get(c.id).member_count == 1)


def community_join(st: Any) -> Any:
    c, owner = _community(_member())
    st.communities.create(c, owner)
    m = _member()
    joining = Membership(c.id, m.id, m.handle, "member", utcnow())
    return lambda: st.communities.join(joining), lambda ok: _assert(ok and st.communities.get(c.id).member_count == 2)


def community_leave(st: Any) -> Any:
    c, owner = _community(_member())
    st.communities.create(c, owner)
    m = _member()
    st.communities.join(Membership(c.id, m.id, m.handle, "member", utcnow()))
    return lambda: st.communities.leave(c.id, m.id), lambda ok: _assert(
        ok and st.communities.get(c.id).member_count == 1
    )


def post_create(st: Any) -> Any:
    p = _post(_member())
    return lambda: st.posts.create(p), lambda _: _assert(st.posts.get(p.id) is not None)


def post_delete(st: Any) -> Any:
    p = _post(_member())
    st.posts.create(p)
    return lambda: st.posts.delete(p), lambda ok: _assert(ok and st.posts.get(p.id) is None)


def post_add_comment(st: Any) -> Any:
    author = _member()
    p = _post(author, company_id=new_id())
    st.posts.create(p)
    c = _comment(p, author)

    def check(ok: Any) -> None:
        assert ok and st.posts.get(p.id).comment_count == 1 and st.posts.get(p.id).status == "answered"

    return lambda: st.posts.add_comment(p, c, True), check


def post_delete_comment(st: Any) -> Any:
    author = _member()
    p = _post(author)
    st.posts.create(p)
    c = _comment(p, author)
    st.posts.add_comment(p, c, False)
    return lambda: st.posts.delete_comment(c), lambda ok: _assert(ok and st.posts.get(p.id).comment_count == 0)


def post_resolve(st: Any) -> Any:
    author = _member()
    p = _post(author, company_id=new_id())
    st.posts.create(p)
    c = _comment(p, author)
    st.posts.add_comment(p, c, False)
    return lambda: st.posts.resolve(st.posts.get(p.id), c.id), lambda ok: _assert(
        ok and st.posts.get(p.id).status == "resolved"
    )


def company_create(st: Any) -> Any:
    company = Company(new_id(), f"取引株式会社{uuid.uuid4().hex[:8]}", "https://tx.example.jp", utcnow())

    def check(_: Any) -> None:
        stored = st.companies.get(company.id)
        assert stored is not None and stored.name == company.name
        assert st.companies.is_company_name(company.name)

    return lambda: st.companies.create(company), check


def campaign_charge(st: Any) -> Any:
    campaign = _campaign()
    st.campaigns.create(campaign)
    _, impression = ImpressionTokens(b"k", 60).issue(
        campaign.id, campaign.company_id, "broad:rpg", 7, new_id(), utcnow().timestamp()
    )
    day = ad_day(utcnow())
    return lambda: st.campaigns.charge(impression, campaign, day, utcnow()), lambda outcome: _assert(
        outcome == "charged" and st.campaigns.ledger(campaign.id, day) == [7]
    )


def campaign_record(st: Any) -> Any:
    campaign = _campaign()
    st.campaigns.create(campaign)
    _, impression = ImpressionTokens(b"k", 60).issue(
        campaign.id, campaign.company_id, "broad:rpg", 7, new_id(), utcnow().timestamp()
    )
    day = ad_day(utcnow())

    def check(recorded: Any) -> None:
        values = st.campaigns.report(campaign.id, [day], ["broad:rpg"])
        assert recorded and values[(day, "broad:rpg", "invalid")] == 1
        assert values[(day, "*", "invalid:campaign_paused")] == 1

    return lambda: st.campaigns.record(impression, "campaign_paused", utcnow()), check


def campaign_count_impressions(st: Any) -> Any:
    campaign_id = new_id()
    day = ad_day(utcnow())
    return lambda: st.campaigns.count_impressions([(campaign_id, day, "broad:rpg")]), lambda _: _assert(
        st.campaigns.history([campaign_id]) == {campaign_id: (1, 0)}
    )


def report_create(st: Any) -> Any:
    r = _report(_member(), _member())
    return lambda: st.reports.create(r), lambda ok: _assert(ok and st.reports.open_ids(r.target_key) == [r.id])


def _resolution(who: Member) -> Resolution:
    return Resolution("dismiss", None, who.id, who.handle, utcnow())


def report_resolve(st: Any) -> Any:
    moderator = _member()
    r = _report(_member(), _member())
    st.reports.create(r)
    return lambda: st.reports.resolve(r, _resolution(moderator)), lambda done: _assert(
        done is not None and st.reports.get(r.id).status == "resolved" and not st.reports.open_ids(r.target_key)
    )


def report_reopen(st: Any) -> Any:
    r = _report(_member(), _member())
    st.reports.create(r)
    resolution = _resolution(_member())
    st.reports.resolve(r, resolution)
    return lambda: st.reports.reopen(structs.replace(r), resolution), lambda _: _assert(
        st.reports.get(r.id).status == "open" and st.reports.open_ids(r.target_key) == [r.id]
    )


def _assert(condition: bool) -> None:
    assert condition


SCENARIOS: dict[str, Scenario] = {
    "MemberStore.create": member_create,
    "MemberStore.signup": member_signup,
    "MemberStore.end_membership": member_end_membership,
    "BanStore.ban": ban_ban,
    "BanStore.lift": ban_lift,
    "HeldStore.approve": held_approve,
    "HeldStore._approve_comment": held_approve_comment,
    "HeldStore.reject": held_reject,
    "InviteStore.create": invite_create,
    "InviteStore.revoke": invite_revoke,
    "FriendStore.link": friend_link,
    "FriendStore.unlink": friend_unlink,
    "CommunityStore.create": community_create,
    "CommunityStore.join": community_join,
    "CommunityStore.leave": community_leave,
    "PostStore.create": post_create,
    "PostStore.delete": post_delete,
    "PostStore.add_comment": post_add_comment,
    "PostStore.delete_comment": post_delete_comment,
    "PostStore.resolve": post_resolve,
    "CompanyStore.create": company_create,
    "CampaignStore.charge": campaign_charge,
    "CampaignStore.record": campaign_record,
    "CampaignStore.count_impressions": campaign_count_impressions,
    "ReportStore.create": report_create,
    "ReportStore.resolve": report_resolve,
    "ReportStore.reopen": report_reopen,
}


def transactional_methods() -> set[str]:
    """``Class.method`` of every store method whose body calls ``self.transact``."""
    found = set()
    for path in STORES.glob("*.py"):
        for cls in ast.parse(path.read_text(encoding="utf-8")).body:
            if not isinstance(cls, ast.ClassDef):
                continue
            for fn in cls.body:
                if isinstance(fn, ast.FunctionDef) and any(
                    isinstance(n, ast.Attribute) and n.attr == "transact" and isinstance(n.value, ast.Name)
                    for n in ast.walk(fn)
                ):
                    found.add(f"{cls.name}.{fn.name}")
    return found


def test_every_transactional_write_has_a_conflict_scenario() -> None:
    assert transactional_methods() == set(SCENARIOS)


def test_no_store_opens_a_transaction_outside_the_one_helper() -> None:
    def opens_one(node: ast.AST) -> bool:
        if isinstance(node, ast.ImportFrom) and node.module == "pynamodb.transactions":
            return True
        return isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("Transaction", "TransactWrite")

    offenders = [
        p.name
        for p in STORES.glob("*.py")
        if p.name != "base.py" and any(opens_one(n) for n in ast.walk(ast.parse(p.read_text(encoding="utf-8"))))
    ]
    assert not offenders


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_a_lost_race_is_retried_and_the_write_happens_once(name: str, services, conflicts: Conflicts) -> None:
    write, check = SCENARIOS[name](services.stores)
    conflicts.armed, conflicts.injected, conflicts.sent = 1, 0, 0

    result = write()

    assert conflicts.injected == 1, "the write did not go through a transaction"
    assert conflicts.sent >= 1, "the conflict was not retried"
    check(result)
