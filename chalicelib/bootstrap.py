"""The composition root: builds the real adapters and the services once per process, lazily.

Only entry points import this module (``app.py``, ``ops``, the Lambda handler modules, ``local/``,
``bench/`` and tests); every service below it is handed its ports here and nowhere else.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from functools import lru_cache

from msgspec import Struct

from chalicelib.adapters.dynamodb import tables
from chalicelib.adapters.dynamodb.ban_store import AuditStore, BanStore
from chalicelib.adapters.dynamodb.base import Counters, Dynamo
from chalicelib.adapters.dynamodb.campaign_store import CampaignStore
from chalicelib.adapters.dynamodb.community_store import CommunityStore
from chalicelib.adapters.dynamodb.company_store import CompanyStore
from chalicelib.adapters.dynamodb.friend_store import FriendStore
from chalicelib.adapters.dynamodb.held_store import HeldStore
from chalicelib.adapters.dynamodb.invite_store import InviteStore
from chalicelib.adapters.dynamodb.login_attempts import LoginAttemptStore
from chalicelib.adapters.dynamodb.member_store import MemberStore
from chalicelib.adapters.dynamodb.notification_store import NoticeRecipients, NotificationStore
from chalicelib.adapters.dynamodb.post_store import PostStore
from chalicelib.adapters.dynamodb.rate_limits import RateLimitStore
from chalicelib.adapters.dynamodb.report_store import ReportStore
from chalicelib.adapters.dynamodb.search_check import SearchCheck
from chalicelib.adapters.dynamodb.session_store import SessionStore
from chalicelib.adapters.lambda_ranker import LambdaRanker
from chalicelib.adapters.opensearch import SearchIndex, stage_index
from chalicelib.adapters.spam_check import ScorerSpamCheck
from chalicelib.communities.service import CommunityService
from chalicelib.companies.service import CompanyService
from chalicelib.config import Settings, settings
from chalicelib.friends.service import FriendService
from chalicelib.invites.service import InviteService
from chalicelib.kernel import RateLimiter
from chalicelib.limits import PolicyLimiter, RatePolicy
from chalicelib.members.credentials import TokenIssuer
from chalicelib.members.service import AuthService, MemberService, NamePolicy
from chalicelib.moderation.bans import Auditor, BanService
from chalicelib.moderation.review import ReviewService
from chalicelib.moderation.service import ModerationService
from chalicelib.moderation.spam import SpamConfig
from chalicelib.notifications.consumer import Notifier
from chalicelib.notifications.service import NotificationDelivery, NotificationService
from chalicelib.observability import BusinessMetrics
from chalicelib.pagination import CursorCodec
from chalicelib.placements.ports import InProcessRanker, Ranker
from chalicelib.placements.service import CampaignService, PlacementService
from chalicelib.placements.tokens import ImpressionTokens
from chalicelib.posts.service import PostService
from chalicelib.search.indexer import Indexer
from chalicelib.search.service import SearchService

log = logging.getLogger(__name__)


class Stores(Struct, frozen=True):
    """The DynamoDB adapters of one process (tests and operator commands reach them here)."""

    dynamo: Dynamo
    members: MemberStore
    sessions: SessionStore
    invites: InviteStore
    friends: FriendStore
    communities: CommunityStore
    posts: PostStore
    companies: CompanyStore
    campaigns: CampaignStore
    reports: ReportStore
    rate_limits: RateLimitStore
    held: HeldStore
    bans: BanStore
    audit: AuditStore
    notifications: NotificationStore


class Services(Struct, frozen=True):
    """Every service of the app, wired to its adapters."""

    settings: Settings
    stores: Stores
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
    review: ReviewService
    bans: BanService
    audit: Auditor
    notifications: NotificationService
    limiter: RateLimiter
    #: The secret that proves a request came through CloudFront (``chalicelib.http.source_ip``).
    origin_secret: OriginSecret


def signing_key(s: Settings) -> str:
    """The JWT signing key: from the environment locally, from SSM Parameter Store in AWS."""
    if s.jwt_secret:
        return s.jwt_secret
    if s.jwt_secret_parameter:
        import botocore.session

        ssm = botocore.session.get_session().create_client("ssm", region_name=s.region)
        return str(ssm.get_parameter(Name=s.jwt_secret_parameter, WithDecryption=True)["Parameter"]["Value"])
    raise RuntimeError("No signing key: set KIZUNA_JWT_SECRET or KIZUNA_JWT_SECRET_PARAMETER.")


class OriginSecret:
    """The value CloudFront sends in ``http.ORIGIN_SECRET_HEADER``, read once and only when asked.

    From the environment locally (``KIZUNA_ORIGIN_SECRET``), from Secrets Manager in AWS
    (``KIZUNA_ORIGIN_SECRET_ID``): only a login asks, so no cold start pays for the call. None when
    neither is set, or (for this call only: the next one reads again) when Secrets Manager cannot
    be read: logins then count the address API Gateway saw, as they would without CloudFront.
    """

    def __init__(self, s: Settings, read: Callable[[str, str], str] | None = None):
        self.settings = s
        self.read = read or _read_secret
        self._value: str | None = s.origin_secret

    def __call__(self) -> str | None:
        if self._value is None and self.settings.origin_secret_id:
            try:
                self._value = self.read(self.settings.origin_secret_id, self.settings.region) or None
            except Exception:
                log.warning("the origin secret could not be read; viewer addresses are not trusted", exc_info=True)
        return self._value


def _read_secret(secret_id: str, region: str) -> str:
    import botocore.session

    client = botocore.session.get_session().create_client("secretsmanager", region_name=region)
    return str(client.get_secret_value(SecretId=secret_id)["SecretString"])


def build_stores(s: Settings, key: str) -> Stores:
    """The DynamoDB adapters for the given settings and signing key."""
    tables.bind(s)
    dynamo = Dynamo(s, CursorCodec(key.encode()), Counters(s.counter_shards))
    return Stores(
        dynamo=dynamo,
        members=MemberStore(dynamo),
        sessions=SessionStore(dynamo),
        invites=InviteStore(dynamo),
        friends=FriendStore(dynamo),
        communities=CommunityStore(dynamo),
        posts=PostStore(dynamo),
        companies=CompanyStore(dynamo),
        campaigns=CampaignStore(dynamo),
        reports=ReportStore(dynamo),
        rate_limits=RateLimitStore(),
        held=HeldStore(dynamo),
        bans=BanStore(dynamo),
        audit=AuditStore(dynamo),
        notifications=NotificationStore(dynamo),
    )


def build(s: Settings) -> Services:
    """Wire everything for the given settings (tests call this with their own)."""
    key = signing_key(s)
    st = build_stores(s, key)
    index = search_index(s)
    metrics = BusinessMetrics()
    limiter = PolicyLimiter(RatePolicy(s.rate_limits, s.sandbox_rate_limits, s.sandbox_days), st.rate_limits)
    placements = PlacementService(
        st.campaigns,
        st.companies,
        index,
        ranker(s),
        ImpressionTokens(key.encode(), s.impression_ttl_s),
        s.sponsored_slots,
        s.reserve_price,
        metrics=metrics,
        limiter=limiter,
    )
    names = NamePolicy(st.members, st.companies, s.admin_handle)
    members = MemberService(st.members, st.sessions, st.friends, names=names)
    audit = Auditor(st.audit)
    bans = BanService(st.bans, st.members, st.sessions, st.posts, st.bans, audit, revoke_after=s.invite_revoke_after)
    posts = PostService(
        st.posts,
        st.communities,
        st.companies,
        st.friends,
        st.members,
        metrics=metrics,
        limiter=limiter,
        spam=spam_check(s),
    )
    return Services(
        settings=s,
        stores=st,
        auth=AuthService(
            st.members,
            st.sessions,
            st.invites,
            TokenIssuer(key, s.jwt_issuer, s.jwt_audience, s.token_ttl_s),
            s.invite_quota,
            LoginAttemptStore(s.login_max_failures, s.login_window_s, s.login_max_failures_per_address),
            metrics=metrics,
            bans=bans,
            names=names,
        ),
        members=members,
        invites=InviteService(st.invites, s.invite_ttl_days, limiter=limiter, web_url=s.web_url),
        friends=FriendService(st.friends, st.members, limiter=limiter),
        communities=CommunityService(st.communities, st.companies, st.members),
        posts=posts,
        companies=CompanyService(st.companies, st.posts, st.members),
        search=SearchService(index, st.friends, st.dynamo.cursors, placements, limiter=limiter, check=SearchCheck()),
        campaigns=CampaignService(st.campaigns, st.companies, st.communities, st.posts),
        placements=placements,
        moderation=ModerationService(st.reports, posts, bans, st.communities, st.members, limiter=limiter, audit=audit),
        bans=bans,
        audit=audit,
        review=ReviewService(st.held, st.communities, st.companies, st.members, metrics=metrics, audit=audit),
        notifications=NotificationService(st.notifications, st.members, posts, st.companies),
        limiter=limiter,
        origin_secret=OriginSecret(s),
    )


def spam_check(s: Settings) -> ScorerSpamCheck:
    """The spam check of new posts and comments: the pure scorer, its thresholds from the settings."""
    return ScorerSpamCheck(SpamConfig.from_environ(s.spam_settings))


def ranker(s: Settings) -> Ranker:
    """The auction: the rank_placements Lambda when KIZUNA_RANKING_FUNCTION names it, else in-process."""
    if s.ranking_function:
        return LambdaRanker(s.ranking_function, s.region)
    return InProcessRanker()


def search_index(s: Settings) -> SearchIndex:
    """The search index of the stage (its OpenSearch client is built on first use)."""
    return stage_index(s)


@lru_cache(maxsize=1)
def indexer() -> Indexer:
    """The stream Lambda's indexer; it needs no signing key, so it is not part of ``services()``."""
    s = settings()
    return Indexer(search_index(s), s.table_prefix)


@lru_cache(maxsize=1)
def notifier() -> Notifier:
    """The stream Lambda's notifier. It signs nothing: its stores get a throw-away cursor key."""
    s = settings()
    st = build_stores(s, secrets.token_hex(32))
    recipients = NoticeRecipients(st.posts, st.companies, st.members, st.friends)
    return Notifier(NotificationDelivery(st.notifications, recipients), s.table_prefix)


@lru_cache(maxsize=1)
def services() -> Services:
    """The process-wide services, built on first use (never at import: cold starts pay for it)."""
    return build(settings())


def reset() -> None:
    """Forget the built services and settings (tests change the environment between runs)."""
    services.cache_clear()
    indexer.cache_clear()
    notifier.cache_clear()
    settings.cache_clear()
