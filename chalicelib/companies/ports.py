"""What the company use cases need from the outside world (implemented in ``chalicelib.adapters``)."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from chalicelib.companies.models import Company, Staff
from chalicelib.pagination import Slice
from chalicelib.posts.models import Post


class CompanyStore(Protocol):
    """Verified companies and who works for them."""

    def create(self, company: Company) -> None: ...

    def get(self, company_id: str) -> Company | None: ...

    def staff(self, company_id: str, member_id: str) -> Staff | None: ...

    def is_staff(self, company_id: str, member_id: str) -> bool: ...

    def companies_of(self, member_id: str) -> list[tuple[Company, Staff]]: ...

    def put_staff(self, staff: Staff) -> Staff: ...

    def remove_staff(self, company_id: str, member_id: str) -> None: ...


class InquiryRecords(Protocol):
    """A company's inquiries: the inbox and what the public response record is computed from."""

    def inquiries(self, company_id: str, status: str, limit: int, cursor: str | None) -> Slice[Post]: ...

    def inquiry_counts(self, company_id: str) -> dict[str, int]: ...

    def first_response_times(self, company_id: str) -> list[int]:
        """Every first-response duration in seconds, ascending."""
        ...

    def count_open_since(self, company_id: str, before: datetime) -> int: ...
