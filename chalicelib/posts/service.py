"""Use cases of posts: community topics and inquiries, diary entries, comments, answers.

Reading rules in one place (:meth:`PostService.readable`): community posts are for every
member; a diary entry is for every member, the author's friends, or the author alone. A post
the caller may not read is a 404 on every path, exactly like a post that does not exist.

Spam (issue 9): every new post and comment is scored by the ``SpamCheck`` port, except an admin's
and a company's staff's in its own official community. A held item is shown to its author only
(marked ``held``), in no one else's page or list, not in the search index, and counts nowhere
until a moderator approves it (``chalicelib.moderation.review``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from msgspec import structs

from chalicelib import errors
from chalicelib.kernel import (
    NO_LIMITS,
    NO_METRICS,
    Caller,
    Clock,
    MemberDirectory,
    MemberRef,
    Metrics,
    RateLimiter,
    active_member,
    member_refs,
    member_views,
    new_id,
    sortable_id,
    utcnow,
)
from chalicelib.pagination import Page, Slice
from chalicelib.posts.models import (
    Comment,
    CommentCreate,
    CommentOut,
    CommentUpdate,
    DiaryCreate,
    Post,
    PostCreate,
    PostOut,
    PostUpdate,
    SpamSubject,
    SpamVerdict,
)
from chalicelib.posts.ports import CommunityAccess, FriendCheck, PostStore, SpamCheck, StaffCheck

RACE_ATTEMPTS = 5

Item = TypeVar("Item", Post, Comment)


class PostService:
    """Who may post, read, edit, delete, comment on and resolve what."""

    def __init__(
        self,
        posts: PostStore,
        communities: CommunityAccess,
        companies: StaffCheck,
        friends: FriendCheck,
        members: MemberDirectory,
        clock: Clock = utcnow,
        metrics: Metrics = NO_METRICS,
        *,
        limiter: RateLimiter = NO_LIMITS,
        spam: SpamCheck | None = None,
    ):
        self.spam = spam
        self.metrics = metrics
        self.limiter = limiter
        self.posts = posts
        self.communities = communities
        self.companies = companies
        self.friends = friends
        self.members = members
        self.clock = clock

    # --- views ---------------------------------------------------------------------------------

    def _authors(self, items: list[Post] | list[Comment]) -> dict[str, MemberRef]:
        return member_refs(self.members, (i.author_id for i in items))

    def _post_out(self, post: Post) -> PostOut:
        return PostOut.of(post, self._authors([post])[post.author_id])

    def _posts_page(self, found: Slice[Post]) -> Page[PostOut]:
        shown = [p for p in found.items if not p.author_hidden]  # a banned author's posts
        authors = self._authors(shown)
        return Page[PostOut](items=[PostOut.of(p, authors[p.author_id]) for p in shown], next_cursor=found.next_cursor)

    # --- reading -------------------------------------------------------------------------------

    def _visible(self, caller: Caller, item: Post | Comment) -> bool:
        """Whether an item the caller may otherwise read is shown to them: a held one only to its author."""
        return not item.held or item.author_id == caller.member_id

    def _shown(self, caller: Caller, found: Slice[Item]) -> Slice[Item]:
        """The page without what is not shown to the caller (the cursor is kept: the next page goes on)."""
        return Slice([i for i in found.items if self._visible(caller, i)], found.next_cursor)

    def readable(self, caller: Caller, post: Post) -> bool:
        """Whether the caller may read ``post`` now (:meth:`Post.readable_by`)."""
        return post.readable_by(
            caller.member_id,
            lambda: self.friends.are_friends(caller.member_id, post.author_id),
            admin=caller.is_admin,
        )

    def readable_post(self, caller: Caller, post_id: str) -> Post:
        """A post the caller may read; anything else is NotFound."""
        post = self.posts.get(post_id)
        if post is None or not self.readable(caller, post):
            raise errors.NotFound("No such post.")
        return post

    def readable_many(self, caller: Caller, post_ids: Sequence[str]) -> list[PostOut]:
        """Those of the posts that the caller may read now, in the given order (the diary feed)."""
        found = self.posts.get_many(post_ids)
        shown = [p for i in post_ids if (p := found.get(i)) is not None and self.readable(caller, p)]
        authors = self._authors(shown)
        return [PostOut.of(p, authors[p.author_id]) for p in shown]

    def get(self, caller: Caller, post_id: str) -> PostOut:
        """A post the caller may read."""
        return self._post_out(self.readable_post(caller, post_id))

    def list_community(self, caller: Caller, community_id: str, limit: int, cursor: str | None) -> Page[PostOut]:
        """A community's posts, newest first."""
        if self.communities.get(community_id) is None:
            raise errors.NotFound("No such community.")
        return self._posts_page(self._shown(caller, self.posts.list_community(community_id, limit, cursor)))

    def list_diary(self, caller: Caller, handle: str, limit: int, cursor: str | None) -> Page[PostOut]:
        """The entries of ``handle`` that the caller may read, newest first."""
        author = active_member(self.members, handle)
        if author.id == caller.member_id:
            audience = "all"
        elif self.friends.are_friends(caller.member_id, author.id):
            audience = "friends"
        else:
            audience = "members"
        return self._posts_page(self._shown(caller, self.posts.list_diary(author.id, audience, limit, cursor)))

    # --- writing -------------------------------------------------------------------------------

    def create_topic(self, caller: Caller, community_id: str, req: PostCreate) -> PostOut:
        """A topic by a community member; a non-staff member's topic in an official community is an inquiry."""
        self.limiter.hit(caller, "post")
        community = self.communities.get(community_id)
        if community is None:
            raise errors.NotFound("No such community.")
        if self.communities.membership(community_id, caller.member_id) is None:
            raise errors.Forbidden("Join the community to post in it.", code="not_a_member")
        inquiry = community.company_id is not None and (
            not self.companies.is_staff(community.company_id, caller.member_id)
        )
        now = self.clock()
        staff = community.company_id is not None and not inquiry  # the company's staff in its own community
        verdict = self._spam(caller, f"{req.title}\n{req.body}", None, community.company_id, staff, now)
        post = Post(
            id=new_id(),
            kind="inquiry" if inquiry else "topic",
            author_id=caller.member_id,
            author_handle=caller.handle,
            title=req.title,
            body=req.body,
            visibility="members",
            community_id=community.id,
            community_name=community.name,
            company_id=community.company_id,
            status="open" if inquiry else None,
            created_at=now,
            updated_at=now,
            version=1,
            **self._held_fields(verdict),
        )
        self.posts.create(post)
        if not post.held:
            self.metrics.record("Posts")
        return self._post_out(post)

    def create_diary(self, caller: Caller, req: DiaryCreate) -> PostOut:
        """A diary entry of the caller's, for members, friends or themselves."""
        self.limiter.hit(caller, "diary")
        now = self.clock()
        verdict = self._spam(caller, f"{req.title}\n{req.body}", None, None, False, now)
        post = Post(
            id=new_id(),
            kind="diary",
            author_id=caller.member_id,
            author_handle=caller.handle,
            title=req.title,
            body=req.body,
            visibility=req.visibility,
            community_id=None,
            community_name=None,
            company_id=None,
            status=None,
            created_at=now,
            updated_at=now,
            version=1,
            **self._held_fields(verdict),
        )
        self.posts.create(post)
        if not post.held:
            self.metrics.record("Posts")
        return self._post_out(post)

    def update(self, caller: Caller, post_id: str, req: PostUpdate) -> PostOut:
        """The author edits title, body and (diary entries only) visibility."""
        post = self.readable_post(caller, post_id)
        if post.author_id != caller.member_id:
            raise errors.Forbidden("Only the author can edit a post.", code="not_author")
        changes = req.model_dump(exclude_none=True)
        if "visibility" in changes and post.kind != "diary":
            raise errors.InvalidInput(
                "Only diary entries have a visibility.",
                details=[{"path": "visibility", "message": "only diary entries have a visibility", "type": "value"}],
            )
        return self._post_out(self.posts.update(post, changes, self.clock()))

    def delete(self, caller: Caller, post_id: str) -> None:
        """The author, the community's owner or moderators, or an admin delete a post."""
        self._delete(caller, lambda: self.readable_post(caller, post_id))

    def remove_reported(self, caller: Caller, post_id: str) -> None:
        """Moderation: delete a reported post by the same rules, whether or not the caller may read it.

        A report proves the reporter could read it; an admin need not be the author's friend.
        """
        self._delete(caller, lambda: self._existing(post_id))

    def _existing(self, post_id: str) -> Post:
        post = self.posts.get(post_id)
        if post is None:
            raise errors.NotFound("No such post.")
        return post

    def _delete(self, caller: Caller, load: Callable[[], Post]) -> None:
        for _ in range(RACE_ATTEMPTS):
            post = load()
            if not self._may_delete(caller, post):
                raise errors.Forbidden("You cannot delete this post.", code="not_allowed")
            if self.posts.delete(post):
                return
        raise errors.Conflict("The post changed meanwhile; retry.", code="edit_conflict")

    def _may_delete(self, caller: Caller, post: Post) -> bool:
        if post.author_id == caller.member_id or caller.is_admin:
            return True
        return post.community_id is not None and self.communities.moderates(post.community_id, caller.member_id)

    # --- comments ------------------------------------------------------------------------------

    def comment(self, caller: Caller, post_id: str, req: CommentCreate) -> CommentOut:
        """Comment on a readable post; company staff answer officially, the first answer marks it answered."""
        self.limiter.hit(caller, "comment")
        verdict: SpamVerdict | None = None
        scored = False
        for _ in range(RACE_ATTEMPTS):
            post = self.readable_post(caller, post_id)
            official = post.company_id is not None and (self.companies.is_staff(post.company_id, caller.member_id))
            if not scored:  # once: a retried race must not remember the same text twice
                parent = f"{post.title}\n{post.body}"
                verdict, scored = self._spam(caller, req.body, parent, post.company_id, official, self.clock()), True
            comment = Comment(
                post_id=post.id,
                id=sortable_id(),
                author_id=caller.member_id,
                author_handle=caller.handle,
                body=req.body,
                official=official,
                created_at=self.clock(),
                **self._held_fields(verdict),
            )
            answers = official and not comment.held and post.kind == "inquiry" and post.status == "open"
            if self.posts.add_comment(post, comment, answers):
                if answers:
                    self.metrics.record("InquiriesAnswered")
                return CommentOut.of(comment, self._authors([comment])[comment.author_id])
        raise errors.Conflict("The post changed meanwhile; retry.", code="edit_conflict")

    def readable_comment(self, caller: Caller, post_id: str, comment_id: str) -> tuple[Post, Comment]:
        """A comment on a post the caller may read, with the post; anything else is NotFound."""
        post = self.readable_post(caller, post_id)
        found = self.posts.get_comment(post_id, comment_id)
        if found is None or not self._visible(caller, found):
            raise errors.NotFound("No such comment.")
        return post, found

    def update_comment(self, caller: Caller, post_id: str, comment_id: str, req: CommentUpdate) -> CommentOut:
        """The author edits their comment's text."""
        self.limiter.hit(caller, "comment")
        _, found = self.readable_comment(caller, post_id, comment_id)
        if found.author_id != caller.member_id:
            raise errors.Forbidden("Only the author can edit a comment.", code="not_author")
        edited = self.posts.update_comment(found, req.body, self.clock())
        if edited is None:
            raise errors.NotFound("No such comment.")
        return CommentOut.of(edited, self._authors([edited])[edited.author_id])

    def delete_comment(self, caller: Caller, post_id: str, comment_id: str) -> None:
        """The comment's author, the community's owner or moderators, or an admin delete a comment."""
        post, found = self.readable_comment(caller, post_id, comment_id)
        if found.author_id != caller.member_id and not self._may_delete(caller, post):
            raise errors.Forbidden("You cannot delete this comment.", code="not_allowed")
        if not self.posts.delete_comment(found):
            raise errors.NotFound("No such comment.")

    def remove_reported_comment(self, caller: Caller, post_id: str, comment_id: str) -> None:
        """Moderation: the comment's author, the community's owner or moderators, or an admin delete it."""
        post = self._existing(post_id)
        found = self.posts.get_comment(post_id, comment_id)
        if found is None:
            raise errors.NotFound("No such comment.")
        if found.author_id != caller.member_id and not self._may_delete(caller, post):
            raise errors.Forbidden("You cannot delete this comment.", code="not_allowed")
        if not self.posts.delete_comment(found):
            raise errors.NotFound("No such comment.")

    def comments(self, caller: Caller, post_id: str, limit: int, cursor: str | None) -> Page[CommentOut]:
        """A readable post's comments, oldest first."""
        self.readable_post(caller, post_id)
        found = self._shown(caller, self.posts.list_comments(post_id, limit, cursor))
        authors, banned = member_views(self.members, (c.author_id for c in found.items))
        return Page[CommentOut](
            items=[CommentOut.of(c, authors[c.author_id]) for c in found.items if c.author_id not in banned],
            next_cursor=found.next_cursor,
        )

    def resolve(self, caller: Caller, post_id: str, comment_id: str) -> PostOut:
        """The inquiry's author or the company's staff accept a comment as the answer."""
        for _ in range(RACE_ATTEMPTS):
            post = self.readable_post(caller, post_id)
            if post.kind != "inquiry" or post.company_id is None:
                raise errors.InvalidInput("Only inquiries can be resolved.", code="not_an_inquiry")
            if post.held:
                raise errors.Conflict("This inquiry is waiting for review.", code="held_for_review")
            is_staff = self.companies.is_staff(post.company_id, caller.member_id)
            if post.author_id != caller.member_id and not is_staff:
                raise errors.Forbidden("Only the inquiry's author or the company's staff resolve it.")
            accepted = self.posts.get_comment(post.id, comment_id)
            if accepted is None or accepted.held:
                raise errors.InvalidInput(
                    "No such comment on this inquiry.",
                    details=[{"path": "comment_id", "message": "no such comment on this inquiry", "type": "value"}],
                )
            if post.status == "resolved":
                if post.accepted_comment_id == comment_id:
                    return self._post_out(post)
                raise errors.Conflict("This inquiry is already resolved.", code="already_resolved")
            if self.posts.resolve(post, comment_id):
                return self._post_out(
                    structs.replace(post, status="resolved", accepted_comment_id=comment_id, version=post.version + 1)
                )
        raise errors.Conflict("The inquiry changed meanwhile; retry.", code="edit_conflict")

    # --- spam ----------------------------------------------------------------------------------

    def _spam(
        self, caller: Caller, text: str, parent_text: str | None, company_id: str | None, staff: bool, now: datetime
    ) -> SpamVerdict | None:
        """The spam check's verdict on a new item; None without a check, for admins and for the company's staff."""
        if self.spam is None or staff or caller.is_admin:
            return None
        author = caller.member or self.members.get(caller.member_id)
        age_days = 365.0 if author is None else max(0.0, (now - author.created_at).total_seconds() / 86400)
        hosts = self.companies.website_hosts(company_id) if company_id else ()
        return self.spam.check(SpamSubject(text, caller.member_id, age_days, parent_text, hosts))

    @staticmethod
    def _held_fields(verdict: SpamVerdict | None) -> dict[str, Any]:
        """The spam fields of a new Post or Comment; a held one gets its (time-sortable) place in the review queue."""
        if verdict is None:
            return {}
        return {"held": verdict.held, "held_id": sortable_id() if verdict.held else None, "spam": verdict}
