"""Settings from the environment, read in one place.

The same code runs on AWS and on the local stack: only these variables differ.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from configparser import ConfigParser, Error
from functools import lru_cache
from pathlib import Path

from msgspec import Struct

from chalicelib.limits import DEFAULT_LIMITS, DEFAULT_SANDBOX_DAYS, DEFAULT_SANDBOX_LIMITS, Limit, parse_limits


class Settings(Struct, frozen=True):
    """Everything the app reads from its environment."""

    stage: str
    region: str
    table_prefix: str
    dynamodb_endpoint: str | None
    opensearch_url: str | None
    jwt_secret: str | None
    jwt_secret_parameter: str | None
    jwt_issuer: str
    jwt_audience: str
    token_ttl_s: int
    invite_quota: int
    admin_invite_quota: int
    #: The operator's admin (``ADMIN_HANDLE``, default ``admin``): no one else may sign up with this handle.
    admin_handle: str
    #: After this many bans among a member's invitees, the member may not invite until an admin restores it.
    invite_revoke_after: int
    invite_ttl_days: int
    counter_shards: int
    login_max_failures: int
    login_window_s: int
    login_max_failures_per_address: int
    rate_limits: dict[str, Limit | None]
    sandbox_rate_limits: dict[str, Limit | None]
    sandbox_days: int
    sponsored_slots: int
    reserve_price: int
    impression_ttl_s: int
    ranking_function: str | None
    #: The ``KIZUNA_SPAM_<FIELD>`` variables as set (thresholds and weights of the spam check, issue 9);
    #: the composition root reads them with ``chalicelib.moderation.spam.SpamConfig.from_environ``.
    spam_settings: dict[str, str]
    #: Where members open the web client (``KIZUNA_WEB_URL``, e.g. ``https://kizuna.example``): invite
    #: links start with it. Empty: links are relative to the site (``/#/signup?code=...``), which is
    #: right wherever the client and ``/api`` share an origin (CloudFront, ``local/web.py``).
    web_url: str = ""
    #: The value CloudFront puts in ``chalicelib.http.ORIGIN_SECRET_HEADER`` of every request it sends
    #: to the API (``KIZUNA_ORIGIN_SECRET``; local runs and tests only, like ``KIZUNA_JWT_SECRET``) ...
    origin_secret: str | None = None
    #: ... or, in AWS, the Secrets Manager secret holding it (``KIZUNA_ORIGIN_SECRET_ID``, name or ARN;
    #: the stack sets it). Neither set: no request is taken to have come through CloudFront.
    origin_secret_id: str | None = None

    def table_name(self, base: str) -> str:
        """The physical name of a logical table, e.g. ``members`` -> ``kizuna-dev-members``."""
        return f"{self.table_prefix}{base}"

    @property
    def search_index(self) -> str:
        """The search index of this stage, e.g. ``kizuna-dev-content``."""
        return f"{self.table_prefix}content"


#: The region when neither the environment nor the AWS profile names one.
DEFAULT_REGION = "ap-northeast-1"


def profile_region(env: Mapping[str, str]) -> str | None:
    """The ``region`` of the AWS profile in use (``AWS_PROFILE``, else ``default``), as botocore reads it.

    Read from the shared config file (``AWS_CONFIG_FILE``, default ``~/.aws/config``) with the
    standard library, so the app never imports botocore for it; in Lambda ``AWS_REGION`` is always
    set and this is never reached.
    """
    path = Path(env.get("AWS_CONFIG_FILE") or Path.home() / ".aws" / "config").expanduser()
    profile = env.get("AWS_PROFILE") or env.get("AWS_DEFAULT_PROFILE") or "default"
    parser = ConfigParser()
    try:
        if not parser.read(path, encoding="utf-8"):
            return None
    except (Error, OSError, UnicodeDecodeError):
        return None
    section = "default" if profile == "default" else f"profile {profile}"
    region = parser.get(section, "region", fallback=None) if parser.has_section(section) else None
    return (region.strip() or None) if region else None


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Read the settings from ``environ`` (default ``os.environ``; no caching).

    The region is ``AWS_REGION``, else ``AWS_DEFAULT_REGION``, else (for this process's own
    environment only, e.g. an operator's ``ops`` command) the AWS profile's, else ``DEFAULT_REGION``.

    Rate limits (``chalicelib.limits``), per member and action, in fixed windows:

    * ``KIZUNA_RATE_LIMITS``: overrides of :data:`chalicelib.limits.DEFAULT_LIMITS`, e.g.
      ``comment=30/300,post=10/600,search=off`` (``*=n/s`` sets every action); unset, the defaults:
      post 10/600, comment 30/300, diary 10/600, invite 20/3600, report 20/3600, search 60/60,
      click 30/60, friend_request 30/3600;
    * ``KIZUNA_SANDBOX_RATE_LIMITS``: the same for members in their first ``KIZUNA_SANDBOX_DAYS``
      days (default 3; 0: no sandbox), over :data:`chalicelib.limits.DEFAULT_SANDBOX_LIMITS`: post
      3/600, comment 10/300, diary 5/600, invite 3/3600, report 5/3600, search 30/60, click 10/60,
      friend_request 10/3600.

    Failed logins lock a (handle, source address) pair after ``KIZUNA_LOGIN_MAX_FAILURES`` (10) in
    ``KIZUNA_LOGIN_WINDOW_S`` (900), and a source address after
    ``KIZUNA_LOGIN_MAX_FAILURES_PER_ADDRESS`` (50) over all handles in the same window. The source
    address is the viewer's (``CloudFront-Viewer-Address``) only on requests that carry the origin
    secret (``KIZUNA_ORIGIN_SECRET`` or the secret ``KIZUNA_ORIGIN_SECRET_ID`` names), else the one
    API Gateway saw (``chalicelib.http.source_ip``).
    """
    env = os.environ if environ is None else environ

    def _int(name: str, default: int) -> int:
        raw = env.get(name)
        return default if raw in (None, "") else int(raw)

    stage = env.get("KIZUNA_STAGE", "dev")
    return Settings(
        stage=stage,
        region=env.get("AWS_REGION")
        or env.get("AWS_DEFAULT_REGION")
        or (profile_region(env) if environ is None else None)
        or DEFAULT_REGION,
        table_prefix=env.get("KIZUNA_TABLE_PREFIX", f"kizuna-{stage}-"),
        dynamodb_endpoint=env.get("AWS_ENDPOINT_URL_DYNAMODB") or None,
        opensearch_url=env.get("KIZUNA_OPENSEARCH_URL") or None,
        jwt_secret=env.get("KIZUNA_JWT_SECRET") or None,
        jwt_secret_parameter=env.get("KIZUNA_JWT_SECRET_PARAMETER") or None,
        jwt_issuer=env.get("KIZUNA_JWT_ISSUER", "kizuna"),
        jwt_audience=env.get("KIZUNA_JWT_AUDIENCE", "kizuna-members"),
        token_ttl_s=_int("KIZUNA_TOKEN_TTL_S", 7 * 24 * 3600),
        invite_quota=_int("KIZUNA_INVITE_QUOTA", 5),
        admin_invite_quota=_int("KIZUNA_ADMIN_INVITE_QUOTA", 1000),
        admin_handle=(env.get("ADMIN_HANDLE") or "admin").strip().lower(),
        web_url=(env.get("KIZUNA_WEB_URL") or "").strip().rstrip("/"),
        origin_secret=env.get("KIZUNA_ORIGIN_SECRET") or None,
        origin_secret_id=env.get("KIZUNA_ORIGIN_SECRET_ID") or None,
        invite_revoke_after=_int("KIZUNA_INVITE_REVOKE_AFTER", 3),
        invite_ttl_days=_int("KIZUNA_INVITE_TTL_DAYS", 14),
        counter_shards=_int("KIZUNA_COUNTER_SHARDS", 8),
        login_max_failures=_int("KIZUNA_LOGIN_MAX_FAILURES", 10),
        login_window_s=_int("KIZUNA_LOGIN_WINDOW_S", 900),
        login_max_failures_per_address=_int("KIZUNA_LOGIN_MAX_FAILURES_PER_ADDRESS", 50),
        rate_limits=parse_limits(env.get("KIZUNA_RATE_LIMITS", ""), DEFAULT_LIMITS),
        sandbox_rate_limits=parse_limits(env.get("KIZUNA_SANDBOX_RATE_LIMITS", ""), DEFAULT_SANDBOX_LIMITS),
        sandbox_days=_int("KIZUNA_SANDBOX_DAYS", DEFAULT_SANDBOX_DAYS),
        sponsored_slots=_int("KIZUNA_SPONSORED_SLOTS", 2),
        reserve_price=_int("KIZUNA_RESERVE_PRICE", 5),
        impression_ttl_s=_int("KIZUNA_IMPRESSION_TTL_S", 3600),
        # Set in AWS: the search route invokes the rank_placements Lambda; unset, it ranks in-process.
        ranking_function=env.get("KIZUNA_RANKING_FUNCTION") or None,
        spam_settings={k: v for k, v in env.items() if k.startswith("KIZUNA_SPAM_")},
    )


@lru_cache(maxsize=1)
def settings() -> Settings:
    """The settings of this process, read once."""
    return load_settings()
