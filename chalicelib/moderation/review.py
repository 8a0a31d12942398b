"""Use cases of the review queue (issue 9): posts and comments the spam check held, approved or rejected.

Who reviews what:

* an admin: every held item (``GET /admin/held`` without ``community_id``), diary entries and
  comments on them included (they belong to no community, so only admins review them);
* a community's owner and moderators: their community's held posts and comments;
* in an official community, the company's staff too.

Anyone else is 403 ``not_a_moderator``, whether the item exists or not (nothing is revealed).
Approving shows the item at its original ``created_at`` and counts it then; rejecting deletes it.
Both are a conditional write on the entry's ``held`` status: the second of two reviews (or a
review racing another) is 409 ``already_reviewed``. An approved comment is never an official answer
(staff are never held in their own community), so approval never answers an inquiry.
"""

from __future__ import annotations

from typing import Literal, Protocol

from chalicelib import errors
from chalicelib.communities.models import Community
from chalicelib.kernel import NO_METRICS, Caller, Clock, MemberDirectory, Metrics, member_refs, utcnow
from chalicelib.moderation.models import Decision, HeldEntry, HeldOut, Review
from chalicelib.moderation.ports import NO_AUDIT, Audit
from chalicelib.pagination import Page, Slice

Outcome = Literal["done", "already_reviewed", "gone"]


class HeldQueue(Protocol):
    """The review queues and the writes that approve or reject (implemented in ``adapters/dynamodb/held_store``)."""

    def get(self, held_id: str) -> HeldEntry | None: ...

    def pending(self, limit: int, cursor: str | None) -> Slice[HeldEntry]:
        """Every held item, oldest first."""
        ...

    def in_community(self, community_id: str, limit: int, cursor: str | None) -> Slice[HeldEntry]:
        """A community's held items, oldest first."""
        ...

    def approve(self, entry: HeldEntry, review: Review) -> Outcome:
        """Show and count the item if the entry is still held; ``gone`` when the item was deleted meanwhile."""
        ...

    def reject(self, entry: HeldEntry, review: Review) -> Outcome:
        """Delete the item if the entry is still held."""
        ...


class Communities(Protocol):
    """Where a held item was written and who moderates there."""

    def get(self, community_id: str) -> Community | None: ...

    def moderates(self, community_id: str, member_id: str) -> bool: ...


class Staff(Protocol):
    """Whether a member works for a company (staff review their official community's queue)."""

    def is_staff(self, company_id: str, member_id: str) -> bool: ...


class ReviewService:
    """The queues of held posts and comments, and approving or rejecting them."""

    def __init__(
        self,
        held: HeldQueue,
        communities: Communities,
        staff: Staff,
        members: MemberDirectory,
        clock: Clock = utcnow,
        metrics: Metrics = NO_METRICS,
        *,
        audit: Audit = NO_AUDIT,
    ):
        self.held = held
        self.communities = communities
        self.staff = staff
        self.members = members
        self.clock = clock
        self.metrics = metrics
        self.audit = audit

    # --- who -----------------------------------------------------------------------------------

    def _reviews(self, caller: Caller, community_id: str | None) -> bool:
        """Whether the caller reviews the queue of ``community_id`` (None: diary entries, admins only)."""
        if caller.is_admin:
            return True
        if community_id is None:
            return False
        if self.communities.moderates(community_id, caller.member_id):
            return True
        community = self.communities.get(community_id)
        return bool(community and community.company_id and self.staff.is_staff(community.company_id, caller.member_id))

    def _out(self, entries: list[HeldEntry]) -> list[HeldOut]:
        authors = member_refs(self.members, (e.author_id for e in entries))
        return [HeldOut.of(e, authors[e.author_id]) for e in entries]

    # --- the queue -----------------------------------------------------------------------------

    def queue(self, caller: Caller, community_id: str | None, limit: int, cursor: str | None) -> Page[HeldOut]:
        """Every held item (admins), or one community's (its moderators; its company's staff), oldest first."""
        if community_id is None:
            if not caller.is_admin:
                raise errors.Forbidden(
                    "Only admins see every held item; community moderators give community_id.", code="not_a_moderator"
                )
            found = self.held.pending(limit, cursor)
        elif not self._reviews(caller, community_id):
            raise errors.Forbidden("You do not moderate this community.", code="not_a_moderator")
        else:
            found = self.held.in_community(community_id, limit, cursor)
        return Page[HeldOut](items=self._out(found.items), next_cursor=found.next_cursor)

    # --- deciding ------------------------------------------------------------------------------

    def approve(self, caller: Caller, held_id: str) -> HeldOut:
        """Show the held item at its original time, and count it now."""
        return self._decide(caller, held_id, "approved")

    def reject(self, caller: Caller, held_id: str) -> HeldOut:
        """Delete the held item."""
        return self._decide(caller, held_id, "rejected")

    def _decide(self, caller: Caller, held_id: str, decision: Decision) -> HeldOut:
        entry = self.held.get(held_id)
        if not caller.is_admin and (entry is None or not self._reviews(caller, entry.community_id)):
            # The same answer for a missing item and another community's: nothing is revealed.
            raise errors.Forbidden("You do not moderate this item.", code="not_a_moderator")
        if entry is None:
            raise errors.NotFound("No such held item.")
        if entry.status == "gone":
            raise errors.NotFound("The held post or comment was deleted.")
        if entry.status != "held":
            raise errors.Conflict("This item is already reviewed.", code="already_reviewed")
        review = Review(decision, caller.member_id, caller.handle, self.clock())
        act = self.held.approve if decision == "approved" else self.held.reject
        outcome = act(entry, review)
        if outcome == "already_reviewed":
            raise errors.Conflict("This item is already reviewed.", code="already_reviewed")
        if outcome == "gone":
            raise errors.NotFound("The held post or comment was deleted.")
        if decision == "approved" and entry.item_type == "post":
            self.metrics.record("Posts")
        target_id = entry.post_id if entry.comment_id is None else f"{entry.post_id}/{entry.comment_id}"
        self.audit(
            caller, f"held_{decision}", entry.item_type, target_id, None, held=entry.id, community_id=entry.community_id
        )
        entry.status, entry.reviewed_by_handle, entry.reviewed_at = decision, caller.handle, review.reviewed_at
        return self._out([entry])[0]
