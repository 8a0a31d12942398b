"""The composition root: builds the real adapters and the services once per process, lazily.

Only entry points import this module (``app.py``, ``ops``, the Lambda handler modules, ``local/``,
``bench/`` and tests); every service below it is handed its ports here and nowhere else.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

from chalicelib.adapters.dynamodb import tables
from chalicelib.adapters.dynamodb.base import Counters, Dynamo
from chalicelib.adapters.dynamodb.company_store import CompanyStore
from chalicelib.adapters.dynamodb.invite_store import InviteStore
from chalicelib.adapters.dynamodb.login_attempts import LoginAttemptStore
from chalicelib.adapters.dynamodb.member_store import MemberStore
from chalicelib.adapters.dynamodb.session_store import SessionStore
from chalicelib.config import Settings, settings
from chalicelib.members.credentials import TokenIssuer
from chalicelib.members.service import AuthService, MemberService, NamePolicy
from chalicelib.observability import BusinessMetrics
from chalicelib.pagination import CursorCodec

if TYPE_CHECKING:
    from chalicelib.adapters.dynamodb.ban_store import AuditStore, BanStore
    from chalicelib.adapters.dynamodb.campaign_store import CampaignStore
    from chalicelib.adapters.dynamodb.community_store import CommunityStore
    from chalicelib.adapters.dynamodb.friend_store import FriendStore
    from chalicelib.adapters.dynamodb.held_store import HeldStore
    from chalicelib.adapters.dynamodb.notification_store import NotificationStore
    from chalicelib.adapters.dynamodb.post_store import PostStore
    from chalicelib.adapters.dynamodb.rate_limits import RateLimitStore
    from chalicelib.adapters.dynamodb.report_store import ReportStore
    from chalicelib.adapters.opensearch import SearchIndex
    from chalicelib.adapters.spam_check import ScorerSpamCheck
    from chalicelib.communities.service import CommunityService
    from chalicelib.companies.service import CompanyService
    from chalicelib.friends.service import FriendService
    from chalicelib.invites.service import InviteService
    from chalicelib.kernel import Member, Metrics, RateLimiter
    from chalicelib.moderation.bans import Auditor, BanService
    from chalicelib.moderation.review import ReviewService
    from chalicelib.moderation.service import ModerationService
    from chalicelib.notifications.consumer import Notifier
    from chalicelib.notifications.service import NotificationService
    from chalicelib.placements.ports import Ranker
    from chalicelib.placements.service import CampaignService, PlacementService
    from chalicelib.posts.service import PostService
    from chalicelib.search.indexer import Indexer
    from chalicelib.search.service import SearchService

log = logging.getLogger(__name__)

# Each store and service below is built on first use. The modules imported above are the
# authentication path, which every request but /health and /openapi.json builds first (the auth
# service and its stores, with PynamoDB, botocore, argon2 and PyJWT
# under them): they load at import, in Lambda's init phase. Every other domain's service imports its
# modules when it is first built, so a cold start defines the models and stores its first request
# uses (a search does not define the moderation queue's models). Tests and operator commands read
# the same attributes.


class Stores:
    """The DynamoDB adapters of one process (tests and operator commands reach them here)."""

    def __init__(self, s: Settings, key: str):
        tables.bind(s)
        self.dynamo: Dynamo = Dynamo(s, CursorCodec(key.encode()), Counters(s.counter_shards))

    @cached_property
    def members(self) -> MemberStore:
        return MemberStore(self.dynamo)

    @cached_property
    def sessions(self) -> SessionStore:
        return SessionStore(self.dynamo)

    @cached_property
    def invites(self) -> InviteStore:
        return InviteStore(self.dynamo)

    @cached_property
    def friends(self) -> FriendStore:
        from chalicelib.adapters.dynamodb.friend_store import FriendStore

        return FriendStore(self.dynamo)

    @cached_property
    def communities(self) -> CommunityStore:
        from chalicelib.adapters.dynamodb.community_store import CommunityStore

        return CommunityStore(self.dynamo)

    @cached_property
    def posts(self) -> PostStore:
        from chalicelib.adapters.dynamodb.post_store import PostStore

        return PostStore(self.dynamo)

    @cached_property
    def companies(self) -> CompanyStore:
        return CompanyStore(self.dynamo)

    @cached_property
    def campaigns(self) -> CampaignStore:
        from chalicelib.adapters.dynamodb.campaign_store import CampaignStore

        return CampaignStore(self.dynamo)

    @cached_property
    def reports(self) -> ReportStore:
        from chalicelib.adapters.dynamodb.report_store import ReportStore

        return ReportStore(self.dynamo)

    @cached_property
    def rate_limits(self) -> RateLimitStore:
        from chalicelib.adapters.dynamodb.rate_limits import RateLimitStore

        return RateLimitStore()

    @cached_property
    def held(self) -> HeldStore:
        from chalicelib.adapters.dynamodb.held_store import HeldStore

        return HeldStore(self.dynamo)

    @cached_property
    def bans(self) -> BanStore:
        from chalicelib.adapters.dynamodb.ban_store import BanStore

        return BanStore(self.dynamo)

    @cached_property
    def audit(self) -> AuditStore:
        from chalicelib.adapters.dynamodb.ban_store import AuditStore

        return AuditStore(self.dynamo)

    @cached_property
    def notifications(self) -> NotificationStore:
        from chalicelib.adapters.dynamodb.notification_store import NotificationStore

        return NotificationStore(self.dynamo)


class Services:
    """Every service of the app, each wired to its adapters on first use."""

    def __init__(self, s: Settings):
        self.settings = s

    @cached_property
    def key(self) -> str:
        """The signing key (tokens, cursors, impression tokens)."""
        return signing_key(self.settings)

    @cached_property
    def stores(self) -> Stores:
        return Stores(self.settings, self.key)

    @cached_property
    def index(self) -> SearchIndex:
        return search_index(self.settings)

    @cached_property
    def metrics(self) -> Metrics:
        return BusinessMetrics()

    @cached_property
    def limiter(self) -> RateLimiter:
        from chalicelib.limits import PolicyLimiter, RatePolicy

        s = self.settings
        return PolicyLimiter(RatePolicy(s.rate_limits, s.sandbox_rate_limits, s.sandbox_days), self.stores.rate_limits)

    @cached_property
    def names(self) -> NamePolicy:
        return NamePolicy(self.stores.members, self.stores.companies, self.settings.admin_handle)

    @cached_property
    def auth(self) -> AuthService:
        s, st = self.settings, self.stores
        return AuthService(
            st.members,
            st.sessions,
            st.invites,
            TokenIssuer(self.key, s.jwt_issuer, s.jwt_audience, s.token_ttl_s),
            s.invite_quota,
            LoginAttemptStore(s.login_max_failures, s.login_window_s, s.login_max_failures_per_address),
            metrics=self.metrics,
            bans=_EndedBans(self),
            names=self.names,
        )

    @cached_property
    def members(self) -> MemberService:
        st = self.stores
        return MemberService(st.members, st.sessions, st.friends, names=self.names)

    @cached_property
    def invites(self) -> InviteService:
        from chalicelib.invites.service import InviteService

        s = self.settings
        return InviteService(self.stores.invites, s.invite_ttl_days, limiter=self.limiter, web_url=s.web_url)

    @cached_property
    def friends(self) -> FriendService:
        from chalicelib.friends.service import FriendService

        return FriendService(self.stores.friends, self.stores.members, limiter=self.limiter)

    @cached_property
    def communities(self) -> CommunityService:
        from chalicelib.communities.service import CommunityService

        st = self.stores
        return CommunityService(st.communities, st.companies, st.members)

    @cached_property
    def posts(self) -> PostService:
        from chalicelib.posts.service import PostService

        st = self.stores
        return PostService(
            st.posts,
            st.communities,
            st.companies,
            st.friends,
            st.members,
            metrics=self.metrics,
            limiter=self.limiter,
            spam=spam_check(self.settings),
        )

    @cached_property
    def companies(self) -> CompanyService:
        from chalicelib.companies.service import CompanyService

        st = self.stores
        return CompanyService(st.companies, st.posts, st.members)

    @cached_property
    def search(self) -> SearchService:
        from chalicelib.adapters.dynamodb.search_check import SearchCheck
        from chalicelib.search.service import SearchService

        st = self.stores
        return SearchService(
            self.index, st.friends, st.dynamo.cursors, self.placements, limiter=self.limiter, check=SearchCheck()
        )

    @cached_property
    def campaigns(self) -> CampaignService:
        from chalicelib.placements.service import CampaignService

        st = self.stores
        return CampaignService(st.campaigns, st.companies, st.communities, st.posts)

    @cached_property
    def placements(self) -> PlacementService:
        from chalicelib.placements.service import PlacementService
        from chalicelib.placements.tokens import ImpressionTokens

        s, st = self.settings, self.stores
        return PlacementService(
            st.campaigns,
            st.companies,
            self.index,
            ranker(s),
            ImpressionTokens(self.key.encode(), s.impression_ttl_s),
            s.sponsored_slots,
            s.reserve_price,
            metrics=self.metrics,
            limiter=self.limiter,
        )

    @cached_property
    def moderation(self) -> ModerationService:
        from chalicelib.moderation.service import ModerationService

        st = self.stores
        return ModerationService(
            st.reports, self.posts, self.bans, st.communities, st.members, limiter=self.limiter, audit=self.audit
        )

    @cached_property
    def bans(self) -> BanService:
        from chalicelib.moderation.bans import BanService

        st = self.stores
        return BanService(
            st.bans,
            st.members,
            st.sessions,
            st.posts,
            st.bans,
            self.audit,
            revoke_after=self.settings.invite_revoke_after,
        )

    @cached_property
    def audit(self) -> Auditor:
        from chalicelib.moderation.bans import Auditor

        return Auditor(self.stores.audit)

    @cached_property
    def review(self) -> ReviewService:
        from chalicelib.moderation.review import ReviewService

        st = self.stores
        return ReviewService(st.held, st.communities, st.companies, st.members, metrics=self.metrics, audit=self.audit)

    @cached_property
    def notifications(self) -> NotificationService:
        from chalicelib.notifications.service import NotificationService

        st = self.stores
        return NotificationService(st.notifications, st.members, self.posts, st.companies)

    @cached_property
    def origin_secret(self) -> OriginSecret:
        """The secret that proves a request came through CloudFront (``chalicelib.http.source_ip``)."""
        return OriginSecret(self.settings)


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


class _EndedBans:
    """The auth service's ``BanExpiry``: the ban service, built by the first login that needs it.

    Authenticating a token never lifts a ban, so a cold start does not define moderation's models
    for it; only a login of a banned member reaches the ban service.
    """

    def __init__(self, wired: Services):
        self.wired = wired

    def lift_if_ended(self, member: Member) -> Member | None:
        return self.wired.bans.lift_if_ended(member)


def build_stores(s: Settings, key: str) -> Stores:
    """The DynamoDB adapters for the given settings and signing key."""
    return Stores(s, key)


def build(s: Settings) -> Services:
    """Wire everything for the given settings (tests call this with their own).

    The signing key is read and the tables are bound to these settings here, as when every store
    was built at once: a stage without a key fails at its first request, and the last ``build``
    decides which tables the models name (a test that builds its own settings relies on it).
    """
    wired = Services(s)
    _ = wired.stores
    return wired


def spam_check(s: Settings) -> ScorerSpamCheck:
    """The spam check of new posts and comments: the pure scorer, its thresholds from the settings."""
    from chalicelib.adapters.spam_check import ScorerSpamCheck
    from chalicelib.moderation.spam import SpamConfig

    return ScorerSpamCheck(SpamConfig.from_environ(s.spam_settings))


def ranker(s: Settings) -> Ranker:
    """The auction: the rank_placements Lambda when KIZUNA_RANKING_FUNCTION names it, else in-process."""
    if s.ranking_function:
        from chalicelib.adapters.lambda_ranker import LambdaRanker

        return LambdaRanker(s.ranking_function, s.region)
    from chalicelib.placements.ports import InProcessRanker

    return InProcessRanker()


def search_index(s: Settings) -> SearchIndex:
    """The search index of the stage (its OpenSearch client is built on first use)."""
    from chalicelib.adapters.opensearch import stage_index

    return stage_index(s)


@lru_cache(maxsize=1)
def indexer() -> Indexer:
    """The stream Lambda's indexer; it needs no signing key, so it is not part of ``services()``."""
    from chalicelib.search.indexer import Indexer

    s = settings()
    return Indexer(search_index(s), s.table_prefix)


@lru_cache(maxsize=1)
def notifier() -> Notifier:
    """The stream Lambda's notifier. It signs nothing: its stores get a throw-away cursor key."""
    from chalicelib.adapters.dynamodb.notification_store import NoticeRecipients
    from chalicelib.notifications.consumer import Notifier
    from chalicelib.notifications.service import NotificationDelivery

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
