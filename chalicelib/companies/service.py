"""Use cases of verified companies: registration, staff, the inquiry inbox and public metrics.

Metrics are computed on read, not from maintained aggregates: status counts come from sharded
counters kept in step with the inquiry transactions, and the percentiles from a Query on the
keys-only ``inquiries_by_response_time`` index, which returns the company's first-response
durations already sorted (a few bytes each, so thousands per 1 MB page). That keeps the numbers
exact and the write path simple; a company with very many answered inquiries would move to a
duration histogram maintained by the stream handler.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib import errors
from chalicelib.companies.models import (
    DAY_S,
    Company,
    CompanyCreate,
    CompanyOut,
    InboxEntry,
    Metrics,
    MyCompanies,
    MyCompanyOut,
    Staff,
    StaffOut,
    StaffRole,
    response_metrics,
)
from chalicelib.companies.ports import CompanyStore, InquiryRecords
from chalicelib.kernel import Caller, Clock, MemberDirectory, active_member, member_refs, new_id, utcnow
from chalicelib.pagination import Page
from chalicelib.posts.models import Post, PostOut


class CompanyService:
    """Admins register companies; a company's owners manage its staff; staff work the inbox."""

    def __init__(self, companies: CompanyStore, posts: InquiryRecords, members: MemberDirectory, clock: Clock = utcnow):
        self.companies = companies
        self.posts = posts
        self.members = members
        self.clock = clock

    def create(self, caller: Caller, req: CompanyCreate) -> CompanyOut:
        """An admin registers a verified company."""
        if not caller.is_admin:
            raise errors.Forbidden("Only an admin registers companies.", code="admin_only")
        company = Company(id=new_id(), name=req.name, website=req.website, created_at=self.clock())
        self.companies.create(company)
        return CompanyOut.of(company)

    def mine(self, caller: Caller) -> MyCompanies:
        """The companies the caller is staff of (how a staff member finds their dashboard)."""
        pairs = self.companies.companies_of(caller.member_id)
        return MyCompanies(items=[MyCompanyOut(id=c.id, name=c.name, role=s.role) for c, s in pairs])

    def _get(self, company_id: str) -> Company:
        company = self.companies.get(company_id)
        if company is None:
            raise errors.NotFound("No such company.")
        return company

    def get(self, company_id: str) -> CompanyOut:
        """A verified company."""
        return CompanyOut.of(self._get(company_id))

    def _require_owner_or_admin(self, caller: Caller, company_id: str) -> None:
        self._get(company_id)
        if caller.is_admin:
            return
        staff = self.companies.staff(company_id, caller.member_id)
        if staff is None or staff.role != "owner":
            raise errors.Forbidden("Only an admin or the company's owner manages staff.", code="not_company_owner")

    def put_staff(self, caller: Caller, company_id: str, handle: str, role: StaffRole) -> StaffOut:
        """Name a member staff (or change their role)."""
        self._require_owner_or_admin(caller, company_id)
        member = active_member(self.members, handle)
        staff = self.companies.put_staff(Staff(company_id, member.id, member.handle, role, self.clock()))
        return StaffOut.of(staff, member.display_name)

    def remove_staff(self, caller: Caller, company_id: str, handle: str) -> None:
        """Remove a member from the staff; idempotent."""
        self._require_owner_or_admin(caller, company_id)
        self.companies.remove_staff(company_id, active_member(self.members, handle).id)

    def inbox(self, caller: Caller, company_id: str, status: str, limit: int, cursor: str | None) -> Page[InboxEntry]:
        """The company's inquiries in ``status``, oldest first, each with its waiting seconds."""
        self._get(company_id)
        if not self.companies.is_staff(company_id, caller.member_id):
            raise errors.Forbidden("Only the company's staff see its inbox.", code="not_company_staff")
        found = self.posts.inquiries(company_id, status, limit, cursor)
        shown = [p for p in found.items if not p.author_hidden]  # a banned member's inquiries
        authors = member_refs(self.members, (p.author_id for p in shown))
        now = self.clock()
        return Page[InboxEntry](
            items=[
                InboxEntry(inquiry=PostOut.of(p, authors[p.author_id]), waiting_s=self._waiting_s(p, now))
                for p in shown
            ],
            next_cursor=found.next_cursor,
        )

    @staticmethod
    def _waiting_s(post: Post, now: datetime) -> int:
        """Until the first official answer if there is one, else until now."""
        if post.first_response_s is not None:
            return post.first_response_s
        return max(0, int((now - post.created_at).total_seconds()))

    def metrics(self, company_id: str) -> Metrics:
        """The public response record of a company."""
        self._get(company_id)
        overdue = self.posts.count_open_since(company_id, self.clock() - timedelta(seconds=DAY_S))
        return response_metrics(
            self.posts.inquiry_counts(company_id), self.posts.first_response_times(company_id), overdue
        )
