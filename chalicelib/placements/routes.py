"""Routes of sponsored placements: campaigns (owner or advertiser) and clicks (any member)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from chalice.app import Blueprint

from chalicelib.http import Api
from chalicelib.kernel import Caller
from chalicelib.pagination import Page, PageOf, PageQuery

if TYPE_CHECKING:
    from chalicelib.placements.models import (
        CampaignCreate,
        CampaignOut,
        CampaignReport,
        CampaignUpdate,
        ClickOut,
        ReportQuery,
    )
    from chalicelib.placements.service import CampaignService, PlacementService

bp = Blueprint(__name__)
api = Api(bp, "placements", models="chalicelib.placements.models")
campaigns: Callable[[], CampaignService] = api.service("campaigns")
placements: Callable[[], PlacementService] = api.service("placements")


@api.route(
    "/companies/{company_id}/campaigns",
    "POST",
    summary="Create a sponsored-placement campaign (company owner or advertiser).",
    status=201,
    body="CampaignCreate",
    response="CampaignOut",
    errors_=(400, 403, 404),
)
def create_campaign(caller: Caller, company_id: str, body: CampaignCreate) -> CampaignOut:
    return campaigns().create(caller, company_id, body)


@api.route(
    "/companies/{company_id}/campaigns",
    "GET",
    summary="The company's campaigns, newest first (owner or advertiser).",
    query=PageQuery,
    response=PageOf("CampaignOut"),
    errors_=(400, 403, 404),
)
def list_campaigns(caller: Caller, company_id: str, query: PageQuery) -> Page[CampaignOut]:
    return campaigns().list(caller, company_id, query.limit, query.cursor)


@api.route(
    "/companies/{company_id}/campaigns/{campaign_id}",
    "GET",
    summary="One campaign (owner or advertiser).",
    response="CampaignOut",
    errors_=(403, 404),
)
def get_campaign(caller: Caller, company_id: str, campaign_id: str) -> CampaignOut:
    return campaigns().get(caller, company_id, campaign_id)


@api.route(
    "/companies/{company_id}/campaigns/{campaign_id}",
    "PATCH",
    summary="Edit, pause (status paused) or resume (status active) a campaign.",
    body="CampaignUpdate",
    response="CampaignOut",
    errors_=(400, 403, 404, 409),
)
def update_campaign(caller: Caller, company_id: str, campaign_id: str, body: CampaignUpdate) -> CampaignOut:
    return campaigns().update(caller, company_id, campaign_id, body)


@api.route(
    "/companies/{company_id}/campaigns/{campaign_id}/report",
    "GET",
    summary="Impressions, clicks, CTR, spend and average CPC per day (JST) and keyword.",
    query="ReportQuery",
    response="CampaignReport",
    errors_=(400, 403, 404),
)
def campaign_report(caller: Caller, company_id: str, campaign_id: str, query: ReportQuery) -> CampaignReport:
    return campaigns().report(caller, company_id, campaign_id, query.start, query.end)


@api.route(
    "/placements/{token}/click",
    "POST",
    summary="Follow a sponsored placement: records the click, charges at most once, returns the target.",
    response="ClickOut",
    errors_=(404, 429),
)
def click(caller: Caller, token: str) -> ClickOut:
    return placements().follow(caller, token)
