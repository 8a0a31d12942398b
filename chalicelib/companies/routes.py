"""Routes of companies: registration, staff, the inquiry inbox and public metrics; /me/companies.

A company's campaigns (``/companies/{id}/campaigns``) belong to the placements blueprint (see app.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from chalice.app import Blueprint

from chalicelib.http import Api
from chalicelib.kernel import Caller
from chalicelib.pagination import Page, PageOf

if TYPE_CHECKING:
    from chalicelib.companies.models import (
        CompanyCreate,
        CompanyOut,
        InboxEntry,
        InboxQuery,
        Metrics,
        MyCompanies,
        StaffOut,
        StaffPut,
    )
    from chalicelib.companies.service import CompanyService

bp = Blueprint(__name__)
api = Api(bp, "companies", models="chalicelib.companies.models")
companies: Callable[[], CompanyService] = api.service("companies")


@api.route(
    "/companies",
    "POST",
    summary="Register a verified company (admin).",
    status=201,
    body="CompanyCreate",
    response="CompanyOut",
    errors_=(400, 403),
)
def create_company(caller: Caller, body: CompanyCreate) -> CompanyOut:
    return companies().create(caller, body)


@api.route("/me/companies", "GET", summary="The companies you are staff of, with your role.", response="MyCompanies")
def my_companies(caller: Caller) -> MyCompanies:
    return companies().mine(caller)


@api.route("/companies/{company_id}", "GET", summary="A verified company.", response="CompanyOut", errors_=(404,))
def get_company(caller: Caller, company_id: str) -> CompanyOut:
    return companies().get(company_id)


@api.route(
    "/companies/{company_id}/staff/{handle}",
    "PUT",
    summary="Name a member staff or change their role (admin or the company's owner).",
    body="StaffPut",
    response="StaffOut",
    errors_=(400, 403, 404),
)
def put_staff(caller: Caller, company_id: str, handle: str, body: StaffPut) -> StaffOut:
    return companies().put_staff(caller, company_id, handle, body.role)


@api.route(
    "/companies/{company_id}/staff/{handle}",
    "DELETE",
    summary="Remove a member from the staff (admin or the company's owner).",
    status=204,
    errors_=(403, 404),
)
def remove_staff(caller: Caller, company_id: str, handle: str) -> None:
    companies().remove_staff(caller, company_id, handle)


@api.route(
    "/companies/{company_id}/inbox",
    "GET",
    summary="Inquiries by status (default open), oldest first, with waiting seconds (staff).",
    query="InboxQuery",
    response=PageOf("InboxEntry"),
    errors_=(403, 404),
)
def inbox(caller: Caller, company_id: str, query: InboxQuery) -> Page[InboxEntry]:
    return companies().inbox(caller, company_id, query.status, query.limit, query.cursor)


@api.route(
    "/companies/{company_id}/metrics",
    "GET",
    summary="A company's public response record.",
    response="Metrics",
    errors_=(404,),
)
def metrics(caller: Caller, company_id: str) -> Metrics:
    return companies().metrics(company_id)
