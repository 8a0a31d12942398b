"""DynamoDB store of verified companies and their staff."""

from __future__ import annotations

from pynamodb.exceptions import DoesNotExist

from chalicelib.adapters.dynamodb.base import Store
from chalicelib.adapters.dynamodb.tables import CompanyItem, StaffItem
from chalicelib.companies.models import Company, Staff


def _company(item: CompanyItem) -> Company:
    return Company(id=item.company_id, name=item.name, website=item.website, created_at=item.created_at)


def _staff(item: StaffItem) -> Staff:
    return Staff(
        company_id=item.company_id,
        member_id=item.member_id,
        handle=item.handle,
        role=item.role,  # type: ignore[arg-type]
        since=item.since,
    )


class CompanyStore(Store):
    """Companies and who works for them (looked up per request, never trusted from a token)."""

    def create(self, company: Company) -> None:
        """Store a new company."""
        CompanyItem(
            company.id, name=company.name, website=company.website, created_at=company.created_at, version=1
        ).save(condition=CompanyItem.company_id.does_not_exist())

    def get(self, company_id: str) -> Company | None:
        """A company by id (consistent read)."""
        try:
            return _company(CompanyItem.get(company_id, consistent_read=True))
        except DoesNotExist:
            return None

    def staff(self, company_id: str, member_id: str) -> Staff | None:
        """The member's role at the company, or None."""
        try:
            return _staff(StaffItem.get(company_id, member_id, consistent_read=True))
        except DoesNotExist:
            return None

    def companies_of(self, member_id: str) -> list[tuple[Company, Staff]]:
        """Every company the member works for, with their role there."""
        roles = [_staff(item) for item in StaffItem.by_member.query(member_id)]
        companies = {item.company_id: _company(item) for item in CompanyItem.batch_get([r.company_id for r in roles])}
        return [(companies[r.company_id], r) for r in roles if r.company_id in companies]

    def is_staff(self, company_id: str, member_id: str) -> bool:
        """Whether the member works for the company, in any role."""
        return self.staff(company_id, member_id) is not None

    def put_staff(self, staff: Staff) -> Staff:
        """Name a member staff with ``role``, or change their role."""
        item = StaffItem(staff.company_id, staff.member_id)
        item.update(
            actions=[
                StaffItem.handle.set(staff.handle),
                StaffItem.role.set(staff.role),
                StaffItem.since.set(StaffItem.since | staff.since),
                StaffItem.version.add(1),
            ],
            add_version_condition=False,
        )
        return _staff(item)

    def remove_staff(self, company_id: str, member_id: str) -> None:
        """Remove a member from the staff (nothing when they are not on it)."""
        StaffItem(company_id, member_id).delete(add_version_condition=False)
