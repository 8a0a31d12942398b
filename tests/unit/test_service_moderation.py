"""ModerationService over in-memory ports: filing reports, the queues, resolving them."""

from __future__ import annotations

import dataclasses

import pytest
from msgspec import structs

from chalicelib import errors
from chalicelib.kernel import Caller, Member
from chalicelib.moderation.models import Report, ReportCreate, Resolution, ResolveReport
from chalicelib.moderation.service import ModerationService
from chalicelib.pagination import Slice
from chalicelib.posts.models import Comment, Post
from tests.unit.fakes import T0, FakeClock, FakeMembers, caller_of, member

# --- fakes of the moderation ports -------------------------------------------------------------


class FakeReports:
    """ReportStore over a dict: one open report per reporter and target."""

    def __init__(self) -> None:
        self.reports: dict[str, Report] = {}
        self.reopened: list[str] = []
        self.lose_next_resolve = False
        self.resolve_writes = 0

    def create(self, report: Report) -> bool:
        if any(
            r.reporter_id == report.reporter_id and r.target_key == report.target_key and r.status == "open"
            for r in self.reports.values()
        ):
            return False
        self.reports[report.id] = report
        return True

    def get(self, report_id: str) -> Report | None:
        found = self.reports.get(report_id)
        return None if found is None else structs.replace(found)

    def open_ids(self, target_key: str) -> list[str]:
        return [r.id for r in self.reports.values() if r.target_key == target_key and r.status == "open"]

    def resolve(self, report: Report, resolution: Resolution) -> Report | None:
        self.resolve_writes += 1
        stored = self.reports[report.id]
        if stored.status != "open" or self.lose_next_resolve:
            self.lose_next_resolve = False
            return None
        resolved = structs.replace(
            stored,
            status="resolved",
            action=resolution.action,
            note=resolution.note,
            resolved_by=resolution.resolved_by,
            resolved_by_handle=resolution.resolved_by_handle,
            resolved_at=resolution.resolved_at,
        )
        self.reports[report.id] = resolved
        return resolved

    def reopen(self, report: Report, resolution: Resolution) -> None:
        self.reopened.append(report.id)
        self.reports[report.id] = report

    def by_status(self, status: str, limit: int, cursor: str | None) -> Slice[Report]:
        return Slice([r for r in self.reports.values() if r.status == status][:limit])

    def by_community(self, community_id: str, status: str, limit: int, cursor: str | None) -> Slice[Report]:
        return Slice([r for r in self.reports.values() if r.community_id == community_id and r.status == status])


class FakeContent:
    """The posts domain as moderation sees it: readable posts and comments, and their removal."""

    def __init__(self) -> None:
        self.posts: dict[str, Post] = {}
        self.comments: dict[tuple[str, str], Comment] = {}
        self.hidden_from: set[tuple[str, str]] = set()
        self.removed: list[str] = []
        self.fails: Exception | None = None

    def readable_post(self, caller: Caller, post_id: str) -> Post:
        post = self.posts.get(post_id)
        if post is None or (caller.member_id, post_id) in self.hidden_from:
            raise errors.NotFound("No such post.")
        return post

    def readable_comment(self, caller: Caller, post_id: str, comment_id: str) -> tuple[Post, Comment]:
        post = self.readable_post(caller, post_id)
        found = self.comments.get((post_id, comment_id))
        if found is None:
            raise errors.NotFound("No such comment.")
        return post, found

    def remove_reported(self, caller: Caller, post_id: str) -> None:
        if self.fails:
            raise self.fails
        self.removed.append(post_id)

    def remove_reported_comment(self, caller: Caller, post_id: str, comment_id: str) -> None:
        if self.fails:
            raise self.fails
        self.removed.append(f"{post_id}/{comment_id}")


class FakeBans:
    def __init__(self) -> None:
        self.banned: list[str] = []
        self.fails = False

    def ban_member(self, caller: Caller, member_id: str, reason: str) -> None:
        if self.fails:
            raise RuntimeError("the members table is unavailable")
        self.banned.append(member_id)


class FakeModerators:
    def __init__(self) -> None:
        self.pairs: set[tuple[str, str]] = set()

    def moderates(self, community_id: str, member_id: str) -> bool:
        return (community_id, member_id) in self.pairs


# --- the world of one test ---------------------------------------------------------------------

GAMES = "community-games"
BOOKS = "community-books"


@dataclasses.dataclass
class World:
    service: ModerationService
    reports: FakeReports
    content: FakeContent
    bans: FakeBans
    moderators: FakeModerators
    members: FakeMembers
    clock: FakeClock
    author: Member
    reader: Member
    other_reader: Member
    mod: Member
    admin: Member

    def post(self, author: Member, community_id: str | None = GAMES) -> Post:
        p = Post(
            f"post-{len(self.content.posts)}",
            "topic" if community_id else "diary",
            author.id,
            author.handle,
            "t",
            "b",
            "members",
            community_id,
            "Games" if community_id else None,
            None,
            None,
            T0,
            T0,
        )
        self.content.posts[p.id] = p
        return p

    def comment(self, post: Post, author: Member) -> Comment:
        c = Comment(post.id, f"comment-{len(self.content.comments)}", author.id, author.handle, "c", False, T0)
        self.content.comments[(post.id, c.id)] = c
        return c

    def file(self, reporter: Member, target_type: str, target_id: str) -> str:
        req = ReportCreate(target_type=target_type, target_id=target_id, reason="spam")  # type: ignore[arg-type]
        return self.service.report(caller_of(reporter), req).id


@pytest.fixture
def w() -> World:
    reports, content, bans, moderators = FakeReports(), FakeContent(), FakeBans(), FakeModerators()
    author, reader, other_reader = member("author"), member("reader"), member("other")
    mod, admin = member("mod"), member("root", roles=("member", "admin"))
    moderators.pairs.add((GAMES, mod.id))
    members = FakeMembers().add(author, reader, other_reader, mod, admin)
    clock = FakeClock()
    service = ModerationService(reports, content, bans, moderators, members, clock)
    return World(service, reports, content, bans, moderators, members, clock, author, reader, other_reader, mod, admin)


def resolve(w: World, who: Member, report_id: str, action: str, note: str | None = None) -> object:
    return w.service.resolve(caller_of(who), report_id, ResolveReport(action=action, note=note))  # type: ignore[arg-type]


# --- filing reports ----------------------------------------------------------------------------


def test_a_member_reports_a_post_they_can_read(w: World) -> None:
    post = w.post(w.author)
    w.clock.advance(5)
    out = w.service.report(caller_of(w.reader), ReportCreate(target_type="post", target_id=post.id, reason=" spam "))
    assert (out.target_type, out.target_id, out.reason, out.status) == ("post", post.id, "spam", "open")
    assert out.created_at == w.clock.now
    stored = w.reports.reports[out.id]
    assert (stored.target_key, stored.accused_id, stored.community_id) == (f"post#{post.id}", w.author.id, GAMES)
    assert (stored.reporter_id, stored.reporter_handle) == (w.reader.id, "reader")


def test_a_reported_comment_accuses_its_author_and_names_its_post(w: World) -> None:
    post = w.post(w.author)
    comment = w.comment(post, w.other_reader)
    report_id = w.file(w.reader, "comment", f"{post.id}/{comment.id}")
    stored = w.reports.reports[report_id]
    assert (stored.target_id, stored.target_key) == (f"{post.id}/{comment.id}", f"comment#{post.id}/{comment.id}")
    assert (stored.accused_id, stored.community_id) == (w.other_reader.id, GAMES)


def test_a_reported_member_is_named_by_handle_and_only_admins_see_it(w: World) -> None:
    report_id = w.file(w.reader, "member", "Author")
    stored = w.reports.reports[report_id]
    assert (stored.target_id, stored.target_key, stored.accused_id) == ("author", f"member#{w.author.id}", w.author.id)
    assert stored.community_id is None


def test_a_withdrawn_member_cannot_be_reported(w: World) -> None:
    w.members.add(member("gone", status="withdrawn"))
    with pytest.raises(errors.NotFound):
        w.file(w.reader, "member", "gone")


def test_what_the_reporter_cannot_read_cannot_be_reported(w: World) -> None:
    post = w.post(w.author, None)
    w.content.hidden_from.add((w.reader.id, post.id))
    with pytest.raises(errors.NotFound):
        w.file(w.reader, "post", post.id)
    assert w.reports.reports == {}


@pytest.mark.parametrize("target", ["post", "comment", "member"])
def test_a_member_cannot_report_themselves_or_their_content(w: World, target: str) -> None:
    post = w.post(w.author)
    comment = w.comment(post, w.reader)
    target_id = {"post": post.id, "comment": f"{post.id}/{comment.id}", "member": "reader"}[target]
    reporter = w.author if target == "post" else w.reader
    with pytest.raises(errors.InvalidInput) as exc:
        w.file(reporter, target, target_id)
    assert exc.value.code == "cannot_report_self"
    assert w.reports.reports == {}


def test_reporting_the_same_thing_twice_is_a_conflict(w: World) -> None:
    post = w.post(w.author)
    w.file(w.reader, "post", post.id)
    with pytest.raises(errors.Conflict) as exc:
        w.file(w.reader, "post", post.id)
    assert exc.value.code == "already_reported"
    w.file(w.other_reader, "post", post.id)  # someone else may
    assert len(w.reports.reports) == 2


# --- the queues --------------------------------------------------------------------------------


def test_only_admins_list_every_report(w: World) -> None:
    w.file(w.reader, "post", w.post(w.author).id)
    w.file(w.reader, "member", "author")
    with pytest.raises(errors.Forbidden) as exc:
        w.service.queue(caller_of(w.mod), "open", None, 20, None)
    assert exc.value.code == "not_a_moderator"
    page = w.service.queue(caller_of(w.admin), "open", None, 20, None)
    assert sorted(r.target_type for r in page.items) == ["member", "post"]
    assert all(r.reporter == "reader" for r in page.items)


def test_a_moderator_lists_their_communitys_reports(w: World) -> None:
    games_report = w.file(w.reader, "post", w.post(w.author, GAMES).id)
    w.file(w.reader, "post", w.post(w.author, BOOKS).id)
    page = w.service.queue(caller_of(w.mod), "open", GAMES, 20, None)
    assert [(r.id, r.community_id) for r in page.items] == [(games_report, GAMES)]


def test_a_moderator_cannot_list_another_communitys_reports(w: World) -> None:
    with pytest.raises(errors.Forbidden):
        w.service.queue(caller_of(w.mod), "open", BOOKS, 20, None)
    with pytest.raises(errors.Forbidden):
        w.service.queue(caller_of(w.reader), "open", GAMES, 20, None)


def test_an_admin_lists_any_communitys_reports(w: World) -> None:
    w.file(w.reader, "post", w.post(w.author, BOOKS).id)
    assert len(w.service.queue(caller_of(w.admin), "open", BOOKS, 20, None).items) == 1


# --- resolving ---------------------------------------------------------------------------------


def test_a_moderator_dismisses_a_report_in_their_community(w: World) -> None:
    report_id = w.file(w.reader, "post", w.post(w.author).id)
    w.clock.advance(30)
    out = w.service.resolve(caller_of(w.mod), report_id, ResolveReport(action="dismiss", note="fine"))
    assert (out.status, out.action, out.note, out.resolved_by, out.resolved_at) == (
        "resolved",
        "dismiss",
        "fine",
        "mod",
        w.clock.now,
    )
    assert w.content.removed == [] and w.bans.banned == []


def test_removing_reported_content_removes_the_post_or_the_comment(w: World) -> None:
    post = w.post(w.author)
    comment = w.comment(post, w.other_reader)
    resolve(w, w.mod, w.file(w.reader, "post", post.id), "remove_content")
    resolve(w, w.mod, w.file(w.reader, "comment", f"{post.id}/{comment.id}"), "remove_content")
    assert w.content.removed == [post.id, f"{post.id}/{comment.id}"]


def test_removing_content_that_is_already_gone_still_resolves(w: World) -> None:
    report_id = w.file(w.reader, "post", w.post(w.author).id)
    w.content.fails = errors.NotFound("No such post.")
    resolve(w, w.mod, report_id, "remove_content")
    assert w.reports.reports[report_id].status == "resolved"
    assert w.reports.reopened == []


def test_a_moderator_cannot_resolve_another_communitys_report(w: World) -> None:
    report_id = w.file(w.reader, "post", w.post(w.author, BOOKS).id)
    with pytest.raises(errors.Forbidden):
        resolve(w, w.mod, report_id, "dismiss")
    assert w.reports.reports[report_id].status == "open"


def test_a_moderator_cannot_resolve_a_member_or_diary_report(w: World) -> None:
    member_report = w.file(w.reader, "member", "author")
    diary_report = w.file(w.reader, "post", w.post(w.author, None).id)
    for report_id in (member_report, diary_report):
        with pytest.raises(errors.Forbidden):
            resolve(w, w.mod, report_id, "dismiss")


def test_a_missing_report_is_forbidden_to_moderators_and_not_found_for_admins(w: World) -> None:
    with pytest.raises(errors.Forbidden):
        resolve(w, w.mod, "missing", "dismiss")
    with pytest.raises(errors.NotFound):
        resolve(w, w.admin, "missing", "dismiss")


def test_only_admins_ban_members(w: World) -> None:
    report_id = w.file(w.reader, "post", w.post(w.author).id)
    with pytest.raises(errors.Forbidden) as exc:
        resolve(w, w.mod, report_id, "ban_member")
    assert exc.value.code == "admin_only"
    assert w.bans.banned == []
    resolve(w, w.admin, report_id, "ban_member")
    assert w.bans.banned == [w.author.id]


def test_an_admin_cannot_ban_themselves(w: World) -> None:
    report_id = w.file(w.reader, "member", "root")
    with pytest.raises(errors.InvalidInput) as exc:
        resolve(w, w.admin, report_id, "ban_member")
    assert exc.value.code == "cannot_ban_self"


def test_a_member_report_has_no_content_to_remove(w: World) -> None:
    report_id = w.file(w.reader, "member", "author")
    with pytest.raises(errors.InvalidInput) as exc:
        resolve(w, w.admin, report_id, "remove_content")
    assert exc.value.code == "nothing_to_remove"
    assert w.reports.reports[report_id].status == "open"


def test_resolving_twice_is_a_conflict(w: World) -> None:
    report_id = w.file(w.reader, "post", w.post(w.author).id)
    resolve(w, w.mod, report_id, "dismiss")
    with pytest.raises(errors.Conflict) as exc:
        resolve(w, w.admin, report_id, "remove_content")
    assert exc.value.code == "already_resolved"
    assert w.content.removed == []
    assert w.reports.resolve_writes == 1  # a report read as resolved is not written again


def test_losing_the_race_to_another_moderator_is_a_conflict(w: World) -> None:
    report_id = w.file(w.reader, "post", w.post(w.author).id)
    w.reports.lose_next_resolve = True
    with pytest.raises(errors.Conflict):
        resolve(w, w.mod, report_id, "remove_content")
    assert w.content.removed == []


def test_a_failing_action_reopens_the_report(w: World) -> None:
    report_id = w.file(w.reader, "member", "author")
    w.bans.fails = True
    with pytest.raises(RuntimeError):
        resolve(w, w.admin, report_id, "ban_member")
    assert w.reports.reopened == [report_id]
    assert w.reports.reports[report_id].status == "open"


def test_a_failing_removal_reopens_the_report(w: World) -> None:
    report_id = w.file(w.reader, "post", w.post(w.author).id)
    w.content.fails = errors.Forbidden("You cannot delete this post.")
    with pytest.raises(errors.Forbidden):
        resolve(w, w.mod, report_id, "remove_content")
    assert w.reports.reports[report_id].status == "open"


def test_resolving_a_report_resolves_the_other_open_reports_on_the_target(w: World) -> None:
    post = w.post(w.author)
    first = w.file(w.reader, "post", post.id)
    second = w.file(w.other_reader, "post", post.id)
    elsewhere = w.file(w.reader, "post", w.post(w.author).id)
    resolve(w, w.mod, first, "remove_content", "spam ring")
    other = w.reports.reports[second]
    assert (other.status, other.action, other.note, other.resolved_by) == (
        "resolved",
        "remove_content",
        "spam ring",
        w.mod.id,
    )
    assert w.reports.reports[elsewhere].status == "open"
    assert w.content.removed == [post.id]  # removed once, for all of them
