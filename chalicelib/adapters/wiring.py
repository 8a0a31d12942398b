"""The composition root: builds the real adapters and the services once per process, lazily."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from chalicelib.adapters import tables
from chalicelib.adapters.campaign_store import CampaignStore
from chalicelib.adapters.community_store import CommunityStore
from chalicelib.adapters.company_store import CompanyStore
from chalicelib.adapters.cursors import CursorCodec
from chalicelib.adapters.dynamodb import (
    Counters,
    FriendStore,
    InviteStore,
    LoginAttemptStore,
    MemberStore,
    SessionStore,
)
from chalicelib.adapters.post_store import PostStore
from chalicelib.adapters.ranking_lambda import LambdaRanker
from chalicelib.adapters.report_store import ReportStore
from chalicelib.adapters.search_index import SearchIndex
from chalicelib.communities.service import CommunityService
from chalicelib.companies.service import CompanyService
from chalicelib.config import Settings, settings
from chalicelib.friends.service import FriendService
from chalicelib.invites.service import InviteService
from chalicelib.members.credentials import TokenIssuer
from chalicelib.members.service import AuthService, MemberService
from chalicelib.moderation.service import ModerationService
from chalicelib.placements.ranker import InProcessRanker, Ranker
from chalicelib.placements.service import CampaignService, PlacementService
from chalicelib.placements.tokens import ImpressionTokens
from chalicelib.posts.service import PostService
from chalicelib.search.indexer import Indexer
from chalicelib.search.service import SearchService


@dataclass(frozen=True)
class Services:
    """Every service of the app, wired to its adapters."""

    settings: Settings
    auth: AuthService
    members: MemberService
    invites: InviteService
    friends: FriendService
    communities: CommunityService
    posts: PostService
    companies: CompanyService
    search: SearchService
    campaigns: CampaignService
    placements: PlacementService
    moderation: ModerationService


def signing_key(s: Settings) -> str:
    """The JWT signing key: from the environment locally, from SSM Parameter Store in AWS."""
    if s.jwt_secret:
        return s.jwt_secret
    if s.jwt_secret_parameter:
        import botocore.session

        ssm = botocore.session.get_session().create_client("ssm", region_name=s.region)
        return str(ssm.get_parameter(Name=s.jwt_secret_parameter, WithDecryption=True)["Parameter"]["Value"])
    raise RuntimeError("No signing key: set KIZUNA_JWT_SECRET or KIZUNA_JWT_SECRET_PARAMETER.")


def build(s: Settings) -> Services:
    """Wire everything for the given settings (tests call this with their own)."""
    tables.bind(s)
    key = signing_key(s)
    cursors = CursorCodec(key.encode())
    counters = Counters(s.counter_shards)
    members = MemberStore(s, cursors, counters)
    sessions = SessionStore(s, cursors, counters)
    invites = InviteStore(s, cursors, counters)
    friends = FriendStore(s, cursors, counters)
    communities = CommunityStore(s, cursors, counters)
    posts = PostStore(s, cursors, counters)
    companies = CompanyStore(s, cursors, counters)
    tokens = TokenIssuer(key, s.jwt_issuer, s.jwt_audience, s.token_ttl_s)
    campaigns = CampaignStore(s, cursors, counters)
    index = search_index(s)
    placements = PlacementService(
        campaigns,
        companies,
        index,
        ranker(s),
        ImpressionTokens(key.encode(), s.impression_ttl_s),
        s.sponsored_slots,
        s.reserve_price,
    )
    member_service = MemberService(members, sessions, friends, counters)
    post_service = PostService(posts, communities, companies, friends, members)
    return Services(
        settings=s,
        auth=AuthService(
            members,
            sessions,
            invites,
            tokens,
            s.invite_quota,
            LoginAttemptStore(s.login_max_failures, s.login_window_s),
        ),
        members=member_service,
        invites=InviteService(invites, s.invite_ttl_days),
        friends=FriendService(friends, members),
        communities=CommunityService(communities, companies, members),
        posts=post_service,
        companies=CompanyService(companies, posts, members),
        search=SearchService(index, friends, cursors, members, placements),
        campaigns=CampaignService(campaigns, companies, communities, posts),
        placements=placements,
        moderation=ModerationService(ReportStore(s, cursors, counters), post_service, member_service, communities),
    )


def ranker(s: Settings) -> Ranker:
    """The auction: the rank_placements Lambda when KIZUNA_RANKING_FUNCTION names it, else in-process."""
    if s.ranking_function:
        return LambdaRanker(s.ranking_function, s.region)
    return InProcessRanker()


def search_index(s: Settings) -> SearchIndex:
    """The search index of the stage (its OpenSearch client is built on first use)."""
    return SearchIndex(s.opensearch_url, s.search_index, s.region)


@lru_cache(maxsize=1)
def indexer() -> Indexer:
    """The stream Lambda's indexer; it needs no signing key, so it is not part of ``services()``."""
    s = settings()
    return Indexer(search_index(s), s.table_prefix)


@lru_cache(maxsize=1)
def services() -> Services:
    """The process-wide services, built on first use (never at import: cold starts pay for it)."""
    return build(settings())


def reset() -> None:
    """Forget the built services and settings (tests change the environment between runs)."""
    services.cache_clear()
    indexer.cache_clear()
    settings.cache_clear()
