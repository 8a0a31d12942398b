"""PostService over in-memory ports: who may post, read, edit, delete, comment on and resolve what."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

import pytest
from msgspec import structs

from chalicelib import errors
from chalicelib.communities.models import Community, Membership
from chalicelib.kernel import WITHDRAWN_NAME, Member, new_id
from chalicelib.pagination import Slice
from chalicelib.posts.models import Comment, CommentCreate, DiaryCreate, Post, PostCreate, PostUpdate
from chalicelib.posts.service import RACE_ATTEMPTS, PostService
from tests.unit.fakes import T0, FakeClock, FakeMembers, caller_of, member

# --- fakes of the posts ports ------------------------------------------------------------------


class FakePosts:
    """PostStore over dicts; ``lose_*`` makes the next writes report a lost race (False)."""

    def __init__(self) -> None:
        self.posts: dict[str, Post] = {}
        self.comments: dict[tuple[str, str], Comment] = {}
        self.diary_audiences: list[str] = []
        self.answers: list[bool] = []
        self.resolved: list[tuple[str, str]] = []
        self.lose_add_comment = 0
        self.lose_delete = 0
        self.lose_resolve = 0
        self.add_comment_calls = 0
        self.delete_calls = 0
        self.resolve_calls = 0

    def create(self, post: Post) -> None:
        self.posts[post.id] = post

    def get(self, post_id: str) -> Post | None:
        return self.posts.get(post_id)

    def list_community(self, community_id: str, limit: int, cursor: str | None) -> Slice[Post]:
        return Slice([p for p in self.posts.values() if p.community_id == community_id][:limit])

    def list_diary(self, author_id: str, audience: str, limit: int, cursor: str | None) -> Slice[Post]:
        self.diary_audiences.append(audience)
        return Slice([p for p in self.posts.values() if p.author_id == author_id and p.kind == "diary"][:limit])

    def update(self, post: Post, changes: dict[str, Any], now: datetime) -> Post:
        edited = structs.replace(post, **changes, updated_at=now, version=post.version + 1)
        self.posts[post.id] = edited
        return edited

    def delete(self, post: Post) -> bool:
        self.delete_calls += 1
        if self.lose_delete:
            self.lose_delete -= 1
            return False
        return self.posts.pop(post.id, None) is not None

    def add_comment(self, post: Post, comment: Comment, answers: bool) -> bool:
        self.add_comment_calls += 1
        if self.lose_add_comment:
            self.lose_add_comment -= 1
            return False
        self.comments[(post.id, comment.id)] = comment
        self.answers.append(answers)
        return True

    def delete_comment(self, comment: Comment) -> bool:
        return self.comments.pop((comment.post_id, comment.id), None) is not None

    def get_comment(self, post_id: str, comment_id: str) -> Comment | None:
        return self.comments.get((post_id, comment_id))

    def list_comments(self, post_id: str, limit: int, cursor: str | None) -> Slice[Comment]:
        return Slice([c for (p, _), c in self.comments.items() if p == post_id][:limit])

    def resolve(self, post: Post, comment_id: str) -> bool:
        self.resolve_calls += 1
        if self.lose_resolve:
            self.lose_resolve -= 1
            return False
        self.resolved.append((post.id, comment_id))
        return True


class FakeCommunities:
    """CommunityAccess: communities and their memberships."""

    def __init__(self) -> None:
        self.communities: dict[str, Community] = {}
        self.roles: dict[tuple[str, str], str] = {}

    def add(self, name: str, company_id: str | None = None) -> Community:
        c = Community(new_id(), name, "", "games", "owner-id", "owner", company_id, None, 0, T0)
        self.communities[c.id] = c
        return c

    def join(self, community: Community, m: Member, role: str = "member") -> None:
        self.roles[(community.id, m.id)] = role

    def get(self, community_id: str) -> Community | None:
        return self.communities.get(community_id)

    def membership(self, community_id: str, member_id: str) -> Membership | None:
        role = self.roles.get((community_id, member_id))
        return None if role is None else Membership(community_id, member_id, "h", role, T0)  # type: ignore[arg-type]

    def moderates(self, community_id: str, member_id: str) -> bool:
        return self.roles.get((community_id, member_id)) in ("owner", "moderator")


class FakeStaff:
    def __init__(self) -> None:
        self.staff: set[tuple[str, str]] = set()

    def is_staff(self, company_id: str, member_id: str) -> bool:
        return (company_id, member_id) in self.staff


class FakeFriends:
    def __init__(self) -> None:
        self.pairs: set[frozenset[str]] = set()

    def befriend(self, a: Member, b: Member) -> None:
        self.pairs.add(frozenset((a.id, b.id)))

    def are_friends(self, member_id: str, other_id: str) -> bool:
        return frozenset((member_id, other_id)) in self.pairs


# --- the world of one test ---------------------------------------------------------------------

COMPANY = "company-1"


@dataclasses.dataclass
class World:
    service: PostService
    posts: FakePosts
    communities: FakeCommunities
    staff: FakeStaff
    friends: FakeFriends
    members: FakeMembers
    clock: FakeClock
    alice: Member
    bob: Member
    carol: Member
    agent: Member
    admin: Member


@pytest.fixture
def w() -> World:
    posts, communities, staff, friends = FakePosts(), FakeCommunities(), FakeStaff(), FakeFriends()
    alice, bob, carol, agent = member("alice"), member("bob"), member("carol"), member("agent")
    admin = member("root", roles=("member", "admin"))
    members = FakeMembers().add(alice, bob, carol, agent, admin)
    staff.staff.add((COMPANY, agent.id))
    clock = FakeClock()
    service = PostService(posts, communities, staff, friends, members, clock)
    return World(service, posts, communities, staff, friends, members, clock, alice, bob, carol, agent, admin)


def topic_in(w: World, author: Member, *, official: bool = False) -> str:
    community = w.communities.add("Games", COMPANY if official else None)
    w.communities.join(community, author)
    return w.service.create_topic(caller_of(author), community.id, PostCreate(title="Hello", body="First!")).id


def diary_of(w: World, author: Member, visibility: str = "members") -> str:
    req = DiaryCreate(title="Today", body="Rain.", visibility=visibility)  # type: ignore[arg-type]
    return w.service.create_diary(caller_of(author), req).id


def inquiry_with_answer(w: World) -> tuple[str, str]:
    """An inquiry by alice and agent's official answer to it."""
    post_id = topic_in(w, w.alice, official=True)
    answer = w.service.comment(caller_of(w.agent), post_id, CommentCreate(body="We fixed it."))
    return post_id, answer.id


# --- topics and inquiries ----------------------------------------------------------------------


def test_posting_a_topic_needs_membership_of_the_community(w: World) -> None:
    community = w.communities.add("Games")
    with pytest.raises(errors.Forbidden) as exc:
        w.service.create_topic(caller_of(w.alice), community.id, PostCreate(title="Hi", body="x"))
    assert exc.value.code == "not_a_member"
    assert w.posts.posts == {}


def test_posting_in_a_missing_community_is_not_found(w: World) -> None:
    with pytest.raises(errors.NotFound):
        w.service.create_topic(caller_of(w.alice), "nope", PostCreate(title="Hi", body="x"))


def test_a_topic_in_an_ordinary_community_is_a_plain_topic(w: World) -> None:
    community = w.communities.add("Games")
    w.communities.join(community, w.alice)
    out = w.service.create_topic(caller_of(w.alice), community.id, PostCreate(title=" Hi ", body="x"))
    assert (out.kind, out.status, out.visibility) == ("topic", None, "members")
    assert out.community is not None and out.community.id == community.id
    assert out.title == "Hi"
    assert out.author.handle == "alice"
    assert out.created_at == T0
    assert w.posts.posts[out.id].company_id is None


def test_a_members_topic_in_an_official_community_is_an_open_inquiry(w: World) -> None:
    post_id = topic_in(w, w.alice, official=True)
    stored = w.posts.posts[post_id]
    assert (stored.kind, stored.status, stored.company_id) == ("inquiry", "open", COMPANY)


def test_a_staff_topic_in_an_official_community_is_not_an_inquiry(w: World) -> None:
    post_id = topic_in(w, w.agent, official=True)
    stored = w.posts.posts[post_id]
    assert (stored.kind, stored.status, stored.company_id) == ("topic", None, COMPANY)


# --- reading diaries ---------------------------------------------------------------------------


def test_a_members_diary_entry_is_readable_by_every_member(w: World) -> None:
    post_id = diary_of(w, w.alice, "members")
    assert w.service.get(caller_of(w.bob), post_id).id == post_id


def test_a_friends_diary_entry_is_readable_by_friends_only(w: World) -> None:
    post_id = diary_of(w, w.alice, "friends")
    w.friends.befriend(w.alice, w.bob)
    assert w.service.get(caller_of(w.bob), post_id).visibility == "friends"
    assert w.service.get(caller_of(w.alice), post_id).id == post_id
    with pytest.raises(errors.NotFound):
        w.service.get(caller_of(w.carol), post_id)


def test_a_private_diary_entry_of_another_member_is_not_found(w: World) -> None:
    post_id = diary_of(w, w.alice, "private")
    w.friends.befriend(w.alice, w.bob)
    assert w.service.get(caller_of(w.alice), post_id).visibility == "private"
    for reader in (w.bob, w.carol, w.admin):
        with pytest.raises(errors.NotFound):
            w.service.get(caller_of(reader), post_id)


def test_a_missing_post_is_not_found(w: World) -> None:
    with pytest.raises(errors.NotFound):
        w.service.get(caller_of(w.alice), "missing")


@pytest.mark.parametrize(("reader", "audience"), [("alice", "all"), ("bob", "friends"), ("carol", "members")])
def test_a_diary_lists_what_the_reader_may_read(w: World, reader: str, audience: str) -> None:
    w.friends.befriend(w.alice, w.bob)
    diary_of(w, w.alice)
    page = w.service.list_diary(caller_of(getattr(w, reader)), "Alice", 20, None)
    assert w.posts.diary_audiences == [audience]
    assert [p.author.handle for p in page.items] == ["alice"]


def test_the_diary_of_a_withdrawn_member_is_not_found(w: World) -> None:
    gone = member("gone", status="withdrawn")
    w.members.add(gone)
    with pytest.raises(errors.NotFound):
        w.service.list_diary(caller_of(w.alice), "gone", 20, None)
    assert w.posts.diary_audiences == []


def test_a_withdrawn_author_is_shown_as_withdrawn_member(w: World) -> None:
    post_id = topic_in(w, w.alice)
    w.members.by_id[w.alice.id] = structs.replace(w.alice, status="withdrawn")
    out = w.service.get(caller_of(w.bob), post_id)
    assert (out.author.handle, out.author.display_name) == (None, WITHDRAWN_NAME)
    community_id = w.posts.posts[post_id].community_id
    assert community_id is not None
    listed = w.service.list_community(caller_of(w.bob), community_id, 20, None)
    assert [p.author.display_name for p in listed.items] == [WITHDRAWN_NAME]


def test_a_deleted_authors_comments_are_by_withdrawn_member(w: World) -> None:
    post_id = topic_in(w, w.alice)
    w.service.comment(caller_of(w.bob), post_id, CommentCreate(body="hi"))
    del w.members.by_id[w.bob.id]
    page = w.service.comments(caller_of(w.alice), post_id, 20, None)
    assert [(c.author.handle, c.author.display_name) for c in page.items] == [(None, WITHDRAWN_NAME)]


def test_listing_a_missing_community_is_not_found(w: World) -> None:
    with pytest.raises(errors.NotFound):
        w.service.list_community(caller_of(w.alice), "missing", 20, None)


# --- editing -----------------------------------------------------------------------------------


def test_the_author_edits_a_post(w: World) -> None:
    post_id = topic_in(w, w.alice)
    w.clock.advance(60)
    out = w.service.update(caller_of(w.alice), post_id, PostUpdate(title="New title"))
    assert (out.title, out.body) == ("New title", "First!")
    assert out.updated_at == w.clock.now != out.created_at


def test_only_the_author_edits_a_post(w: World) -> None:
    post_id = topic_in(w, w.alice)
    for other in (w.bob, w.admin):
        with pytest.raises(errors.Forbidden) as exc:
            w.service.update(caller_of(other), post_id, PostUpdate(title="Mine now"))
        assert exc.value.code == "not_author"
    assert w.posts.posts[post_id].title == "Hello"


def test_only_diary_entries_have_a_visibility(w: World) -> None:
    post_id = topic_in(w, w.alice)
    with pytest.raises(errors.InvalidInput) as exc:
        w.service.update(caller_of(w.alice), post_id, PostUpdate(visibility="private"))
    assert exc.value.details[0]["path"] == "visibility"
    assert w.posts.posts[post_id].visibility == "members"

    entry = diary_of(w, w.alice)
    assert w.service.update(caller_of(w.alice), entry, PostUpdate(visibility="private")).visibility == "private"
    with pytest.raises(errors.NotFound):
        w.service.get(caller_of(w.bob), entry)


def test_editing_a_post_one_cannot_read_is_not_found(w: World) -> None:
    entry = diary_of(w, w.alice, "private")
    with pytest.raises(errors.NotFound):
        w.service.update(caller_of(w.bob), entry, PostUpdate(title="x"))


# --- deleting ----------------------------------------------------------------------------------


def test_the_author_deletes_a_post(w: World) -> None:
    post_id = topic_in(w, w.alice)
    w.service.delete(caller_of(w.alice), post_id)
    assert post_id not in w.posts.posts


def test_a_community_moderator_deletes_a_post_there(w: World) -> None:
    post_id = topic_in(w, w.alice)
    community = w.communities.communities[w.posts.posts[post_id].community_id or ""]
    w.communities.join(community, w.bob, "moderator")
    w.service.delete(caller_of(w.bob), post_id)
    assert post_id not in w.posts.posts


def test_an_admin_deletes_any_post(w: World) -> None:
    post_id = diary_of(w, w.alice)
    w.service.delete(caller_of(w.admin), post_id)
    assert post_id not in w.posts.posts


def test_other_members_cannot_delete_a_post(w: World) -> None:
    post_id = topic_in(w, w.alice)
    community = w.communities.communities[w.posts.posts[post_id].community_id or ""]
    w.communities.join(community, w.bob, "member")
    with pytest.raises(errors.Forbidden) as exc:
        w.service.delete(caller_of(w.bob), post_id)
    assert exc.value.code == "not_allowed"
    assert post_id in w.posts.posts


def test_a_moderator_of_another_community_cannot_delete_a_post(w: World) -> None:
    post_id = topic_in(w, w.alice)
    elsewhere = w.communities.add("Elsewhere")
    w.communities.join(elsewhere, w.bob, "owner")
    with pytest.raises(errors.Forbidden):
        w.service.delete(caller_of(w.bob), post_id)


def test_a_delete_that_keeps_losing_races_is_a_conflict(w: World) -> None:
    post_id = topic_in(w, w.alice)
    w.posts.lose_delete = RACE_ATTEMPTS
    with pytest.raises(errors.Conflict) as exc:
        w.service.delete(caller_of(w.alice), post_id)
    assert exc.value.code == "edit_conflict"
    assert w.posts.delete_calls == RACE_ATTEMPTS


def test_a_delete_that_loses_one_race_is_retried(w: World) -> None:
    post_id = topic_in(w, w.alice)
    w.posts.lose_delete = 1
    w.service.delete(caller_of(w.alice), post_id)
    assert post_id not in w.posts.posts
    assert w.posts.delete_calls == 2


def test_moderation_removes_a_post_the_admin_cannot_read(w: World) -> None:
    entry = diary_of(w, w.alice, "private")
    w.service.remove_reported(caller_of(w.admin), entry)
    assert entry not in w.posts.posts
    with pytest.raises(errors.NotFound):
        w.service.remove_reported(caller_of(w.admin), entry)


# --- comments ----------------------------------------------------------------------------------


def test_a_staff_comment_on_an_open_inquiry_is_official_and_answers_it(w: World) -> None:
    post_id = topic_in(w, w.alice, official=True)
    out = w.service.comment(caller_of(w.agent), post_id, CommentCreate(body="We are on it."))
    assert out.official is True
    assert out.author.handle == "agent"
    assert w.posts.answers == [True]


def test_a_members_comment_on_an_inquiry_is_not_official(w: World) -> None:
    post_id = topic_in(w, w.alice, official=True)
    out = w.service.comment(caller_of(w.bob), post_id, CommentCreate(body="Same here."))
    assert out.official is False
    assert w.posts.answers == [False]


def test_a_staff_comment_on_an_answered_inquiry_does_not_answer_it_again(w: World) -> None:
    post_id = topic_in(w, w.alice, official=True)
    w.posts.posts[post_id] = structs.replace(w.posts.posts[post_id], status="answered")
    out = w.service.comment(caller_of(w.agent), post_id, CommentCreate(body="Any news?"))
    assert out.official is True
    assert w.posts.answers == [False]


def test_a_staff_comment_on_their_own_official_topic_is_official_but_answers_nothing(w: World) -> None:
    post_id = topic_in(w, w.agent, official=True)
    out = w.service.comment(caller_of(w.agent), post_id, CommentCreate(body="Update."))
    assert out.official is True
    assert w.posts.answers == [False]


def test_staff_comments_elsewhere_are_not_official(w: World) -> None:
    post_id = topic_in(w, w.alice)
    assert w.service.comment(caller_of(w.agent), post_id, CommentCreate(body="hi")).official is False


def test_a_comment_that_loses_a_race_is_retried(w: World) -> None:
    post_id = topic_in(w, w.alice, official=True)
    w.posts.lose_add_comment = 2
    out = w.service.comment(caller_of(w.agent), post_id, CommentCreate(body="Answer"))
    assert w.posts.add_comment_calls == 3
    assert list(w.posts.comments) == [(post_id, out.id)]


def test_a_comment_that_keeps_losing_races_is_a_conflict(w: World) -> None:
    post_id = topic_in(w, w.alice, official=True)
    w.posts.lose_add_comment = RACE_ATTEMPTS
    with pytest.raises(errors.Conflict) as exc:
        w.service.comment(caller_of(w.agent), post_id, CommentCreate(body="Answer"))
    assert exc.value.code == "edit_conflict"
    assert w.posts.add_comment_calls == RACE_ATTEMPTS
    assert w.posts.comments == {}


def test_commenting_on_a_post_one_cannot_read_is_not_found(w: World) -> None:
    entry = diary_of(w, w.alice, "friends")
    with pytest.raises(errors.NotFound):
        w.service.comment(caller_of(w.bob), entry, CommentCreate(body="hi"))
    assert w.posts.add_comment_calls == 0


# --- resolving inquiries -----------------------------------------------------------------------


def test_the_inquirer_resolves_with_a_comment(w: World) -> None:
    post_id, answer_id = inquiry_with_answer(w)
    out = w.service.resolve(caller_of(w.alice), post_id, answer_id)
    assert (out.status, out.accepted_comment_id) == ("resolved", answer_id)
    assert w.posts.resolved == [(post_id, answer_id)]


def test_company_staff_resolve_an_inquiry(w: World) -> None:
    post_id, answer_id = inquiry_with_answer(w)
    assert w.service.resolve(caller_of(w.agent), post_id, answer_id).status == "resolved"


def test_other_members_cannot_resolve_an_inquiry(w: World) -> None:
    post_id, answer_id = inquiry_with_answer(w)
    with pytest.raises(errors.Forbidden):
        w.service.resolve(caller_of(w.bob), post_id, answer_id)
    assert w.posts.resolved == []


def test_only_inquiries_are_resolved(w: World) -> None:
    post_id = topic_in(w, w.alice)
    comment = w.service.comment(caller_of(w.bob), post_id, CommentCreate(body="hi"))
    with pytest.raises(errors.InvalidInput) as exc:
        w.service.resolve(caller_of(w.alice), post_id, comment.id)
    assert exc.value.code == "not_an_inquiry"


def test_resolving_with_a_comment_of_another_post_is_invalid(w: World) -> None:
    post_id, _ = inquiry_with_answer(w)
    _, other_answer = inquiry_with_answer(w)
    with pytest.raises(errors.InvalidInput) as exc:
        w.service.resolve(caller_of(w.alice), post_id, other_answer)
    assert exc.value.details[0]["path"] == "comment_id"
    assert w.posts.resolved == []


def test_resolving_again_with_the_same_comment_is_idempotent(w: World) -> None:
    post_id, answer_id = inquiry_with_answer(w)
    w.posts.posts[post_id] = structs.replace(w.posts.posts[post_id], status="resolved", accepted_comment_id=answer_id)
    out = w.service.resolve(caller_of(w.alice), post_id, answer_id)
    assert (out.status, out.accepted_comment_id) == ("resolved", answer_id)
    assert w.posts.resolve_calls == 0


def test_resolving_a_resolved_inquiry_with_another_comment_is_a_conflict(w: World) -> None:
    post_id, answer_id = inquiry_with_answer(w)
    other = w.service.comment(caller_of(w.bob), post_id, CommentCreate(body="Me too"))
    w.posts.posts[post_id] = structs.replace(w.posts.posts[post_id], status="resolved", accepted_comment_id=answer_id)
    with pytest.raises(errors.Conflict) as exc:
        w.service.resolve(caller_of(w.alice), post_id, other.id)
    assert exc.value.code == "already_resolved"
    assert w.posts.resolve_calls == 0


def test_a_resolve_that_keeps_losing_races_is_a_conflict(w: World) -> None:
    post_id, answer_id = inquiry_with_answer(w)
    w.posts.lose_resolve = RACE_ATTEMPTS
    with pytest.raises(errors.Conflict) as exc:
        w.service.resolve(caller_of(w.alice), post_id, answer_id)
    assert exc.value.code == "edit_conflict"
    assert w.posts.resolve_calls == RACE_ATTEMPTS
