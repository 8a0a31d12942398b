"""Held spam over in-memory ports: what the posts service holds and shows, and the ReviewService's rules."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import pytest
from msgspec import structs

from chalicelib import errors
from chalicelib.adapters.spam_check import ScorerSpamCheck
from chalicelib.communities.models import Community
from chalicelib.kernel import Caller, Member, new_id
from chalicelib.moderation.models import HeldEntry, Review
from chalicelib.moderation.review import Outcome, ReviewService
from chalicelib.moderation.spam import SpamConfig
from chalicelib.pagination import Slice
from chalicelib.posts.models import CommentCreate, DiaryCreate, PostCreate, SpamSubject
from chalicelib.posts.service import PostService
from tests.unit.fakes import T0, FakeClock, FakeMembers, FakeSpamCheck, caller_of, member
from tests.unit.test_service_posts import COMPANY, FakeCommunities, FakeFriends, FakePosts, FakeStaff

# --- the posts service with a spam check -------------------------------------------------------


class HostStaff(FakeStaff):
    """StaffCheck with the company's website host."""

    def website_hosts(self, company_id: str) -> tuple[str, ...]:
        return ("games.example.jp",) if company_id == COMPANY else ()


@dataclasses.dataclass
class Posting:
    service: PostService
    posts: FakePosts
    communities: FakeCommunities
    staff: HostStaff
    spam: FakeSpamCheck
    clock: FakeClock
    alice: Member
    bob: Member
    agent: Member
    admin: Member


@pytest.fixture
def p() -> Posting:
    posts, communities, staff, friends, spam = (
        FakePosts(),
        FakeCommunities(),
        HostStaff(),
        FakeFriends(),
        FakeSpamCheck(),
    )
    alice, bob, agent = member("alice"), member("bob"), member("agent")
    admin = member("root", roles=("member", "admin"))
    staff.staff.add((COMPANY, agent.id))
    clock = FakeClock(T0 + timedelta(days=2))
    members = FakeMembers().add(alice, bob, agent, admin)
    service = PostService(posts, communities, staff, friends, members, clock, spam=spam)
    return Posting(service, posts, communities, staff, spam, clock, alice, bob, agent, admin)


def community_of(p: Posting, *joined: Member, official: bool = False) -> Community:
    community = p.communities.add("Games", COMPANY if official else None)
    for m in joined:
        p.communities.join(community, m)
    return community


def test_a_held_topic_is_stored_held_with_its_place_in_the_queue_and_verdict(p: Posting) -> None:
    c = community_of(p, p.alice)
    out = p.service.create_topic(caller_of(p.alice), c.id, PostCreate(title="Cheap", body="SPAM here"))
    stored = p.posts.posts[out.id]
    assert out.held and stored.held and stored.held_id
    assert stored.spam is not None and stored.spam.signals[0]["name"] == "fake"
    (subject,) = p.spam.subjects
    assert subject.text == "Cheap\nSPAM here" and subject.parent_text is None
    assert subject.author_id == p.alice.id
    assert subject.author_age_days == pytest.approx(2.0)  # from Caller.member.created_at
    fine = p.service.create_topic(caller_of(p.alice), c.id, PostCreate(title="Hi", body="ok"))
    assert not fine.held and p.posts.posts[fine.id].held_id is None


def test_the_author_age_is_read_when_the_caller_carries_no_member(p: Posting) -> None:
    c = community_of(p, p.alice)
    bare = Caller(p.alice.id, p.alice.handle, "s", ("member",))
    p.service.create_topic(bare, c.id, PostCreate(title="Hi", body="ok"))
    assert p.spam.subjects[0].author_age_days == pytest.approx(2.0)


def test_a_held_post_is_shown_to_its_author_only(p: Posting) -> None:
    c = community_of(p, p.alice, p.bob)
    held = p.service.create_topic(caller_of(p.alice), c.id, PostCreate(title="x", body="SPAM"))
    fine = p.service.create_topic(caller_of(p.bob), c.id, PostCreate(title="y", body="ok"))
    assert p.service.get(caller_of(p.alice), held.id).held
    for other in (p.bob, p.admin):
        with pytest.raises(errors.NotFound):
            p.service.get(caller_of(other), held.id)
        assert [x.id for x in p.service.list_community(caller_of(other), c.id, 20, None).items] == [fine.id]
    assert {x.id for x in p.service.list_community(caller_of(p.alice), c.id, 20, None).items} == {held.id, fine.id}


def test_a_held_diary_entry_is_in_its_authors_list_only(p: Posting) -> None:
    entry = p.service.create_diary(caller_of(p.alice), DiaryCreate(title="x", body="SPAM"))
    assert entry.held
    assert [x.id for x in p.service.list_diary(caller_of(p.alice), "alice", 20, None).items] == [entry.id]
    assert p.service.list_diary(caller_of(p.bob), "alice", 20, None).items == []


def test_a_held_comment_is_shown_to_its_author_only_and_is_no_answer(p: Posting) -> None:
    c = community_of(p, p.alice, official=True)
    post = p.service.create_topic(caller_of(p.alice), c.id, PostCreate(title="Help", body="broken"))
    spam = p.service.comment(caller_of(p.bob), post.id, CommentCreate(body="SPAM link"))
    assert spam.held and p.posts.answers == [False]
    assert p.spam.subjects[-1].parent_text == "Help\nbroken"
    assert p.spam.subjects[-1].company_hosts == ("games.example.jp",)
    assert [x.id for x in p.service.comments(caller_of(p.bob), post.id, 20, None).items] == [spam.id]
    assert p.service.comments(caller_of(p.alice), post.id, 20, None).items == []
    with pytest.raises(errors.NotFound):
        p.service.readable_comment(caller_of(p.alice), post.id, spam.id)
    # The inquiry's author cannot accept a comment they cannot see.
    with pytest.raises(errors.InvalidInput):
        p.service.resolve(caller_of(p.alice), post.id, spam.id)


def test_a_retried_comment_is_scored_once(p: Posting) -> None:
    c = community_of(p, p.alice)
    post = p.service.create_topic(caller_of(p.alice), c.id, PostCreate(title="Hi", body="ok"))
    p.posts.lose_add_comment = 2
    p.service.comment(caller_of(p.bob), post.id, CommentCreate(body="fine"))
    assert len(p.spam.subjects) == 2  # the topic and the comment, once


def test_admins_and_staff_in_their_own_community_are_never_scored(p: Posting) -> None:
    c = community_of(p, p.admin, p.agent, official=True)
    staff_topic = p.service.create_topic(caller_of(p.agent), c.id, PostCreate(title="News", body="SPAM"))
    admin_topic = p.service.create_topic(caller_of(p.admin), c.id, PostCreate(title="Rules", body="SPAM"))
    answer = p.service.comment(caller_of(p.agent), admin_topic.id, CommentCreate(body="SPAM"))
    assert not (staff_topic.held or admin_topic.held or answer.held)
    assert answer.official
    assert p.spam.subjects == []
    # Elsewhere the company's staff are members like any other.
    other = community_of(p, p.agent)
    assert p.service.create_topic(caller_of(p.agent), other.id, PostCreate(title="x", body="SPAM")).held


def test_a_held_inquiry_cannot_be_resolved(p: Posting) -> None:
    c = community_of(p, p.alice, official=True)
    post = p.service.create_topic(caller_of(p.alice), c.id, PostCreate(title="x", body="SPAM"))
    mine = p.service.comment(caller_of(p.alice), post.id, CommentCreate(body="more"))
    with pytest.raises(errors.Conflict) as exc:
        p.service.resolve(caller_of(p.alice), post.id, mine.id)
    assert exc.value.code == "held_for_review"


def test_without_a_spam_check_nothing_is_held(p: Posting) -> None:
    p.service.spam = None
    c = community_of(p, p.alice)
    assert not p.service.create_topic(caller_of(p.alice), c.id, PostCreate(title="x", body="SPAM")).held


# --- the scorer adapter ------------------------------------------------------------------------


def test_the_scorer_remembers_texts_across_authors_and_counts_recent_writes() -> None:
    now = [0.0]
    check = ScorerSpamCheck(SpamConfig(), clock=lambda: now[0], window_s=300)
    text = "ゲーム機の電源が入らない件について、サポートに問い合わせたら修理に三週間かかると言われました。"
    first = check.check(SpamSubject(text, "a", 400.0))
    assert not first.held and first.signals == []
    again = check.check(SpamSubject(text, "b", 400.0))
    assert [s["name"] for s in again.signals] == ["duplicate_other_members"]
    assert again.threshold == SpamConfig().hold_at
    for i in range(16):
        check.check(SpamSubject(f"短い {i}", "c", 400.0))
    fast = check.check(SpamSubject("もう一件", "c", 400.0))
    assert "fast_writer" in [s["name"] for s in fast.signals]
    now[0] = 301.0
    assert check.check(SpamSubject("しばらくして", "c", 400.0)).signals == []


def test_the_scorer_reads_its_threshold_from_the_config() -> None:
    spam = "Great post! I will bookmark your site and share it with my friends. Visit my blog too!"
    assert ScorerSpamCheck(SpamConfig()).check(SpamSubject(spam, "a", 0.5)).held
    lenient = ScorerSpamCheck(SpamConfig.from_environ({"KIZUNA_SPAM_HOLD_AT": "9"}))
    verdict = lenient.check(SpamSubject(spam, "a", 0.5))
    assert not verdict.held and verdict.threshold == 9


# --- the review service ------------------------------------------------------------------------


class FakeHeld:
    """HeldQueue over a dict; ``race`` makes the next decision lose to another reviewer."""

    def __init__(self) -> None:
        self.entries: dict[str, HeldEntry] = {}
        self.decisions: list[tuple[str, str]] = []
        self.race: Outcome | None = None

    def add(self, community_id: str | None, author: Member, **changes: Any) -> HeldEntry:
        entry = HeldEntry(
            id=f"{len(self.entries):04d}{new_id()}",
            item_type="post",
            post_id=new_id(),
            comment_id=None,
            community_id=community_id,
            author_id=author.id,
            author_handle=author.handle,
            title="Cheap",
            body="SPAM",
            created_at=T0,
            score=2.0,
            threshold=1.0,
            signals=[{"name": "fake", "weight": 2.0, "detail": "SPAM"}],
            status="held",
        )
        entry = structs.replace(entry, **changes)
        self.entries[entry.id] = entry
        return entry

    def get(self, held_id: str) -> HeldEntry | None:
        found = self.entries.get(held_id)
        return structs.replace(found) if found else None

    def _waiting(self) -> list[HeldEntry]:
        return sorted((e for e in self.entries.values() if e.status == "held"), key=lambda e: e.id)

    def pending(self, limit: int, cursor: str | None) -> Slice[HeldEntry]:
        return Slice(self._waiting()[:limit])

    def in_community(self, community_id: str, limit: int, cursor: str | None) -> Slice[HeldEntry]:
        return Slice([e for e in self._waiting() if e.community_id == community_id][:limit])

    def _decide(self, entry: HeldEntry, review: Review) -> Outcome:
        if self.race is not None:
            outcome, self.race = self.race, None
            return outcome
        self.entries[entry.id].status = review.decision
        self.decisions.append((entry.id, review.decision))
        return "done"

    approve = _decide
    reject = _decide


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    def __call__(
        self, caller: Caller, action: str, target_type: str, target_id: str, reason: str | None = None, **details: Any
    ) -> None:
        self.calls.append((caller.handle, action, target_type, target_id, reason, details))

    def record(self, name: str, value: float = 1) -> None:
        self.calls.append((name, value))


@dataclasses.dataclass
class Reviewing:
    service: ReviewService
    held: FakeHeld
    audit: Recorder
    metrics: Recorder
    a: Community
    b: Community
    official: Community
    mod_a: Member
    agent: Member
    author: Member
    member: Member
    admin: Member


@pytest.fixture
def r() -> Reviewing:
    communities, staff, held, audit, metrics = FakeCommunities(), FakeStaff(), FakeHeld(), Recorder(), Recorder()
    mod_a, agent, author, plain = member("moda"), member("agent"), member("spammer"), member("plain")
    admin = member("root", roles=("member", "admin"))
    a, b, official = communities.add("A"), communities.add("B"), communities.add("Official", COMPANY)
    communities.join(a, mod_a, "moderator")
    communities.join(official, agent, "member")
    staff.staff.add((COMPANY, agent.id))
    members = FakeMembers().add(mod_a, agent, author, plain, admin)
    service = ReviewService(held, communities, staff, members, FakeClock(), metrics, audit=audit)
    return Reviewing(service, held, audit, metrics, a, b, official, mod_a, agent, author, plain, admin)


def test_admins_see_every_held_item_oldest_first(r: Reviewing) -> None:
    first = r.held.add(r.a.id, r.author)
    diary = r.held.add(None, r.author)
    third = r.held.add(r.b.id, r.author)
    page = r.service.queue(caller_of(r.admin), None, 20, None)
    assert [h.id for h in page.items] == [first.id, diary.id, third.id]
    assert page.items[0].author.handle == "spammer"
    assert page.items[0].signals[0].name == "fake"
    assert [h.id for h in r.service.queue(caller_of(r.admin), r.b.id, 20, None).items] == [third.id]


def test_moderators_and_staff_see_their_own_queue_only(r: Reviewing) -> None:
    in_a, in_b, in_official = (
        r.held.add(r.a.id, r.author),
        r.held.add(r.b.id, r.author),
        r.held.add(r.official.id, r.author),
    )
    assert [h.id for h in r.service.queue(caller_of(r.mod_a), r.a.id, 20, None).items] == [in_a.id]
    assert [h.id for h in r.service.queue(caller_of(r.agent), r.official.id, 20, None).items] == [in_official.id]
    refused = ((r.mod_a, r.b.id), (r.mod_a, None), (r.agent, r.a.id), (r.member, r.a.id), (r.member, None))
    for who, community_id in refused:
        with pytest.raises(errors.Forbidden) as exc:
            r.service.queue(caller_of(who), community_id, 20, None)
        assert exc.value.code == "not_a_moderator"
    assert in_b.status == "held"


def test_only_admins_review_diary_entries(r: Reviewing) -> None:
    diary = r.held.add(None, r.author)
    for who in (r.mod_a, r.agent, r.author):
        with pytest.raises(errors.Forbidden):
            r.service.approve(caller_of(who), diary.id)
    assert r.service.approve(caller_of(r.admin), diary.id).status == "approved"


def test_approving_records_the_decision_counts_a_post_and_audits(r: Reviewing) -> None:
    entry = r.held.add(r.a.id, r.author)
    out = r.service.approve(caller_of(r.mod_a), entry.id)
    assert (out.status, out.reviewed_by, out.created_at) == ("approved", "moda", T0)
    assert r.held.decisions == [(entry.id, "approved")]
    assert r.metrics.calls == [("Posts", 1)]
    (call,) = r.audit.calls
    assert call[:4] == ("moda", "held_approved", "post", entry.post_id)
    assert call[5] == {"held": entry.id, "community_id": r.a.id}


def test_rejecting_a_comment_neither_counts_nor_misnames_it(r: Reviewing) -> None:
    entry = r.held.add(r.official.id, r.author, item_type="comment", comment_id="c1")
    out = r.service.reject(caller_of(r.agent), entry.id)
    assert out.status == "rejected" and r.metrics.calls == []
    assert r.audit.calls[0][1:4] == ("held_rejected", "comment", f"{entry.post_id}/c1")


def test_a_second_or_racing_review_is_already_reviewed(r: Reviewing) -> None:
    entry = r.held.add(r.a.id, r.author)
    r.service.approve(caller_of(r.mod_a), entry.id)
    for decide in (r.service.approve, r.service.reject):
        with pytest.raises(errors.Conflict) as exc:
            decide(caller_of(r.admin), entry.id)
        assert exc.value.code == "already_reviewed"
    racing = r.held.add(r.a.id, r.author)
    r.held.race = "already_reviewed"
    with pytest.raises(errors.Conflict) as exc:
        r.service.reject(caller_of(r.mod_a), racing.id)
    assert exc.value.code == "already_reviewed"
    assert len(r.audit.calls) == 1


def test_an_item_deleted_meanwhile_is_not_found(r: Reviewing) -> None:
    entry = r.held.add(r.a.id, r.author)
    r.held.race = "gone"
    with pytest.raises(errors.NotFound):
        r.service.approve(caller_of(r.mod_a), entry.id)
    gone = r.held.add(r.a.id, r.author, status="gone")
    with pytest.raises(errors.NotFound):
        r.service.approve(caller_of(r.mod_a), gone.id)


def test_a_missing_item_is_forbidden_to_non_admins_and_not_found_for_admins(r: Reviewing) -> None:
    in_b = r.held.add(r.b.id, r.author)
    for held_id in ("nope", in_b.id):
        with pytest.raises(errors.Forbidden) as exc:
            r.service.approve(caller_of(r.mod_a), held_id)
        assert exc.value.code == "not_a_moderator"
    with pytest.raises(errors.NotFound):
        r.service.reject(caller_of(r.admin), "nope")
    assert r.held.entries[in_b.id].status == "held"
