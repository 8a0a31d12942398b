"""DynamoDB store of verified companies and their staff."""

from __future__ import annotations

from urllib.parse import urlsplit

from pynamodb.exceptions import DoesNotExist

from chalicelib.adapters.dynamodb.base import Store, Transaction
from chalicelib.adapters.dynamodb.tables import CompanyItem, CompanyNameItem, StaffItem
from chalicelib.companies.models import Company, Staff
from chalicelib.members.models import name_key


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
        """Store a new company and, in the same transaction, its name (:meth:`is_company_name`)."""

        key = name_key(company.name)

        def write(tx: Transaction) -> None:
            tx.save(
                CompanyItem(
                    company.id, name=company.name, website=company.website, created_at=company.created_at, version=1
                ),
                condition=CompanyItem.company_id.does_not_exist(),
                label="company",
            )
            if not key:  # a name of invisible characters only: no display name can equal it
                return
            # Two companies may share a name: the first keeps it, the key says only that it is taken.
            tx.update(
                CompanyNameItem(key),
                [
                    CompanyNameItem.company_id.set(CompanyNameItem.company_id | company.id),
                    CompanyNameItem.version.add(1),
                ],
                label="name",
            )

        failed = self.transact(write)
        if failed is not None:
            raise RuntimeError(f"company creation failed on its {failed} condition")

    def is_company_name(self, name: str) -> bool:
        """Whether a verified company is called ``name``, compared in ``name_key`` form (one GetItem)."""
        key = name_key(name)
        if not key:
            return False
        try:
            CompanyNameItem.get(key, consistent_read=True, attributes_to_get=["name_key"])
        except DoesNotExist:
            return False
        return True

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

    def staff_ids(self, company_id: str) -> list[str]:
        """The member ids of everyone who works for the company."""
        return [item.member_id for item in StaffItem.query(company_id, attributes_to_get=["member_id"])]

    def is_staff(self, company_id: str, member_id: str) -> bool:
        """Whether the member works for the company, in any role."""
        return self.staff(company_id, member_id) is not None

    def website_hosts(self, company_id: str) -> tuple[str, ...]:
        """The host of the company's website, without ``www.`` (its subdomains are the company's too)."""
        company = self.get(company_id)
        host = (urlsplit(company.website).hostname or "") if company else ""
        return (host.removeprefix("www."),) if host else ()

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
