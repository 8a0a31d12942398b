"""Use cases of verified companies: registration, staff, the inquiry inbox and public metrics.

Metrics are computed on read, not from maintained aggregates: status counts come from sharded
counters kept in step with the inquiry transactions, and the percentiles from a Query on the
keys-only ``inquiries_by_response_time`` index, which returns the company's first-response
durations already sorted (a few bytes each, so thousands per 1 MB page). That keeps the numbers
exact and the write path simple; a company with very many answered inquiries would move to a
duration histogram maintained by the stream handler.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from chalicelib import errors
from chalicelib.companies.models import (
    DAY_S,
    Company,
    CompanyCreate,
    Metrics,
    Staff,
    StaffRole,
    response_metrics,
)
from chalicelib.members.models import Caller
from chalicelib.members.service import Clock, active_member, utcnow
from chalicelib.posts.models import Post

if TYPE_CHECKING:
    from chalicelib.adapters.company_store import CompanyStore
    from chalicelib.adapters.dynamodb import MemberStore
    from chalicelib.adapters.post_store import PostStore


class CompanyService:
    """Admins register companies; a company's owners manage its staff; staff work the inbox."""

    def __init__(self, companies: CompanyStore, posts: PostStore, members: MemberStore, clock: Clock = utcnow):
        self.companies = companies
        self.posts = posts
        self.members = members
        self.clock = clock

    def create(self, caller: Caller, req: CompanyCreate) -> Company:
        if not caller.is_admin:
            raise errors.Forbidden("Only an admin registers companies.", code="admin_only")
        company = Company(id=uuid.uuid4().hex, name=req.name, website=req.website, created_at=self.clock())
        self.companies.create(company)
        return company

    def mine(self, caller: Caller) -> list[tuple[Company, Staff]]:
        """The companies the caller is staff of (how a staff member finds their dashboard)."""
        return self.companies.companies_of(caller.member_id)

    def get(self, company_id: str) -> Company:
        company = self.companies.get(company_id)
        if company is None:
            raise errors.NotFound("No such company.")
        return company

    def _require_owner_or_admin(self, caller: Caller, company_id: str) -> None:
        self.get(company_id)
        if caller.is_admin:
            return
        staff = self.companies.staff(company_id, caller.member_id)
        if staff is None or staff.role != "owner":
            raise errors.Forbidden("Only an admin or the company's owner manages staff.", code="not_company_owner")

    def put_staff(self, caller: Caller, company_id: str, handle: str, role: StaffRole) -> tuple[Staff, str]:
        """Name a member staff (or change their role); returns the staff and their display name."""
        self._require_owner_or_admin(caller, company_id)
        member = active_member(self.members, handle)
        staff = self.companies.put_staff(Staff(company_id, member.id, member.handle, role, self.clock()))
        return staff, member.display_name

    def remove_staff(self, caller: Caller, company_id: str, handle: str) -> None:
        """Remove a member from the staff; idempotent."""
        self._require_owner_or_admin(caller, company_id)
        self.companies.remove_staff(company_id, active_member(self.members, handle).id)

    def inbox(
        self, caller: Caller, company_id: str, status: str, limit: int, cursor: str | None
    ) -> tuple[list[tuple[Post, int]], str | None]:
        """The company's inquiries in ``status``, oldest first, each with its waiting seconds."""
        self.get(company_id)
        if not self.companies.is_staff(company_id, caller.member_id):
            raise errors.Forbidden("Only the company's staff see its inbox.", code="not_company_staff")
        inquiries, next_cursor = self.posts.inquiries(company_id, status, limit, cursor)
        now = self.clock()
        return [(p, self._waiting_s(p, now)) for p in inquiries], next_cursor

    @staticmethod
    def _waiting_s(post: Post, now: datetime) -> int:
        """Until the first official answer if there is one, else until now."""
        if post.first_response_s is not None:
            return post.first_response_s
        return max(0, int((now - post.created_at).total_seconds()))

    def metrics(self, company_id: str) -> Metrics:
        """The public response record of a company."""
        self.get(company_id)
        overdue = self.posts.count_open_since(company_id, self.clock() - timedelta(seconds=DAY_S))
        return response_metrics(
            self.posts.inquiry_counts(company_id), self.posts.first_response_times(company_id), overdue
        )
