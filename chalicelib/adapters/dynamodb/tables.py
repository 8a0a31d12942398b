"""PynamoDB models: the only place that knows how items are laid out in DynamoDB.

Every item carries an integer ``version`` bumped on each write (plain NumberAttribute, managed
by the stores, so counters can ADD it without a read). Physical table names and the endpoint
are bound at run time by :func:`bind` from the settings, never at import.
"""

from __future__ import annotations

from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    ListAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex, KeysOnlyProjection
from pynamodb.models import Model

from chalicelib.config import Settings

STREAM = "NEW_AND_OLD_IMAGES"


class _Meta:
    billing_mode = "PAY_PER_REQUEST"
    table_name = "unbound"
    max_retry_attempts = 3
    connect_timeout_seconds = 2
    read_timeout_seconds = 5


class MemberItem(Model):
    """A member; ``status`` is active, withdrawn or banned."""

    class Meta(_Meta):
        base_name = "members"
        stream_view_type = STREAM

    member_id = UnicodeAttribute(hash_key=True)
    handle = UnicodeAttribute()
    display_name = UnicodeAttribute()
    email = UnicodeAttribute()
    password_hash = UnicodeAttribute()
    roles: ListAttribute[str] = ListAttribute()
    invites_left = NumberAttribute()
    invited_by = UnicodeAttribute(null=True)
    status = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    version = NumberAttribute()
    ban_count = NumberAttribute(null=True)
    banned_until = UTCDateTimeAttribute(null=True)
    ban_reason = UnicodeAttribute(null=True)
    invitee_bans = NumberAttribute(null=True)
    invites_revoked = BooleanAttribute(null=True)
    bio = UnicodeAttribute(null=True)


class HandleItem(Model):
    """Reserves a lower-cased handle for one member, forever (withdrawn handles are not reused)."""

    class Meta(_Meta):
        base_name = "handles"

    handle = UnicodeAttribute(hash_key=True)
    member_id = UnicodeAttribute()
    version = NumberAttribute()


class InvitesByInviter(GlobalSecondaryIndex["InviteItem"]):
    class Meta:
        index_name = "by_inviter"
        projection = AllProjection()

    inviter_id = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class InviteItem(Model):
    """An invitation code; single use, expires, revocable by its inviter."""

    class Meta(_Meta):
        base_name = "invites"

    code = UnicodeAttribute(hash_key=True)
    inviter_id = UnicodeAttribute()
    inviter_handle = UnicodeAttribute()
    note = UnicodeAttribute(null=True)
    status = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    expires_at = UTCDateTimeAttribute()
    used_by = UnicodeAttribute(null=True)
    version = NumberAttribute()
    by_inviter = InvitesByInviter()


class SessionsByMember(GlobalSecondaryIndex["SessionItem"]):
    class Meta:
        index_name = "by_member"
        projection = KeysOnlyProjection()

    member_id = UnicodeAttribute(hash_key=True)


class SessionItem(Model):
    """A server-side session; a token works only while its session item exists."""

    class Meta(_Meta):
        base_name = "sessions"

    session_id = UnicodeAttribute(hash_key=True)
    member_id = UnicodeAttribute()
    expires_at = UTCDateTimeAttribute()
    ttl = TTLAttribute()
    version = NumberAttribute()
    by_member = SessionsByMember()


class FriendshipItem(Model):
    """One direction of a friend link: ``state`` is requested (sent), pending (received) or friends.

    Its stream tells the notifier of requests and acceptances.
    """

    class Meta(_Meta):
        base_name = "friendships"
        stream_view_type = STREAM

    member_id = UnicodeAttribute(hash_key=True)
    other_id = UnicodeAttribute(range_key=True)
    other_handle = UnicodeAttribute()
    state = UnicodeAttribute()
    since = UTCDateTimeAttribute()
    version = NumberAttribute()


class CounterItem(Model):
    """One shard of a sharded counter; a counter's value is the sum of its shards."""

    class Meta(_Meta):
        base_name = "counters"
        stream_view_type = STREAM

    name = UnicodeAttribute(hash_key=True)
    shard = NumberAttribute(range_key=True)
    value = NumberAttribute(default=0)
    version = NumberAttribute(default=0)


class _AllIndex(GlobalSecondaryIndex[Any]):
    class Meta:
        projection = AllProjection()


class CommunitiesByCategoryMembers(_AllIndex):
    class Meta(_AllIndex.Meta):
        index_name = "by_category_members"

    category = UnicodeAttribute(hash_key=True)
    member_count = NumberAttribute(range_key=True)


class CommunitiesByCategoryNew(_AllIndex):
    class Meta(_AllIndex.Meta):
        index_name = "by_category_new"

    category = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class CommunitiesByMembers(_AllIndex):
    class Meta(_AllIndex.Meta):
        index_name = "by_members"

    listing = UnicodeAttribute(hash_key=True)
    member_count = NumberAttribute(range_key=True)


class CommunitiesByNew(_AllIndex):
    class Meta(_AllIndex.Meta):
        index_name = "by_new"

    listing = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class CommunitiesByCompany(_AllIndex):
    """Sparse: only official communities carry ``company_id``; a company's, oldest first."""

    class Meta(_AllIndex.Meta):
        index_name = "by_company"

    company_id = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class CommunityItem(Model):
    """A community. ``member_count`` is kept exact by the join/leave transactions.

    ``listing`` is the constant ``all`` so that the site-wide lists are a Query too.
    """

    class Meta(_Meta):
        base_name = "communities"
        stream_view_type = STREAM

    community_id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    description = UnicodeAttribute()
    category = UnicodeAttribute()
    listing = UnicodeAttribute()
    owner_id = UnicodeAttribute()
    owner_handle = UnicodeAttribute()
    company_id = UnicodeAttribute(null=True)
    company_name = UnicodeAttribute(null=True)
    member_count = NumberAttribute()
    created_at = UTCDateTimeAttribute()
    version = NumberAttribute()
    by_category_members = CommunitiesByCategoryMembers()
    by_category_new = CommunitiesByCategoryNew()
    by_members = CommunitiesByMembers()
    by_new = CommunitiesByNew()
    by_company = CommunitiesByCompany()


class MembershipsByMember(GlobalSecondaryIndex["CommunityMemberItem"]):
    """A member's communities, latest joined first (a profile's list, "my communities")."""

    class Meta:
        index_name = "by_member"
        projection = AllProjection()

    member_id = UnicodeAttribute(hash_key=True)
    joined_at = UTCDateTimeAttribute(range_key=True)


class CommunityMemberItem(Model):
    """One member of one community; ``role`` is owner, moderator or member."""

    class Meta(_Meta):
        base_name = "community_members"

    community_id = UnicodeAttribute(hash_key=True)
    member_id = UnicodeAttribute(range_key=True)
    handle = UnicodeAttribute()
    role = UnicodeAttribute()
    joined_at = UTCDateTimeAttribute()
    version = NumberAttribute()
    by_member = MembershipsByMember()


class PostsByCommunity(_AllIndex):
    class Meta(_AllIndex.Meta):
        index_name = "by_community"

    community_id = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class DiaryByAuthor(_AllIndex):
    """Every diary entry of an author (what the author sees)."""

    class Meta(_AllIndex.Meta):
        index_name = "diary_all"

    diary_all = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class DiaryForFriends(_AllIndex):
    """An author's entries visible to friends (visibility members or friends)."""

    class Meta(_AllIndex.Meta):
        index_name = "diary_friends"

    diary_friends = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class DiaryForMembers(_AllIndex):
    """An author's entries visible to every member."""

    class Meta(_AllIndex.Meta):
        index_name = "diary_members"

    diary_members = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class InquiriesByStatus(_AllIndex):
    """A company's inquiries per status, oldest first: partition ``{company_id}#{status}``."""

    class Meta(_AllIndex.Meta):
        index_name = "inquiries_by_status"

    inbox_key = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class InquiriesByResponseTime(GlobalSecondaryIndex[Any]):
    """A company's first-response durations in order (only the duration is projected)."""

    class Meta:
        index_name = "inquiries_by_response_time"
        projection = KeysOnlyProjection()

    responded_company_id = UnicodeAttribute(hash_key=True)
    first_response_s = NumberAttribute(range_key=True)


class PostsByAuthor(GlobalSecondaryIndex[Any]):
    """Every post of an author (keys only): what a ban hides and lifting it restores."""

    class Meta:
        index_name = "by_author"
        projection = KeysOnlyProjection()

    author_id = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class PostItem(Model):
    """A post: a community topic, an inquiry (topic in an official community) or a diary entry.

    The sparse ``diary_*`` keys hold the author id only where the entry is visible to that
    audience, so each diary list is a plain Query with no filter.
    """

    class Meta(_Meta):
        base_name = "posts"
        stream_view_type = STREAM

    post_id = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute()
    author_id = UnicodeAttribute()
    author_handle = UnicodeAttribute()
    title = UnicodeAttribute()
    body = UnicodeAttribute()
    visibility = UnicodeAttribute()
    community_id = UnicodeAttribute(null=True)
    community_name = UnicodeAttribute(null=True)
    company_id = UnicodeAttribute(null=True)
    status = UnicodeAttribute(null=True)
    inbox_key = UnicodeAttribute(null=True)
    responded_company_id = UnicodeAttribute(null=True)
    first_response_s = NumberAttribute(null=True)
    first_response_at = UTCDateTimeAttribute(null=True)
    accepted_comment_id = UnicodeAttribute(null=True)
    diary_all = UnicodeAttribute(null=True)
    diary_friends = UnicodeAttribute(null=True)
    diary_members = UnicodeAttribute(null=True)
    # Held for review (issue 9): counted nowhere, no inbox or friends/members diary key, not indexed.
    held = BooleanAttribute(null=True)
    held_id = UnicodeAttribute(null=True)
    spam_score = NumberAttribute(null=True)
    spam_signals = UnicodeAttribute(null=True)  # JSON list of {name, weight, detail}
    # True while the author is banned: every list, page and the search index leave it out.
    author_hidden = BooleanAttribute(null=True)
    comment_count = NumberAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    version = NumberAttribute()
    by_community = PostsByCommunity()
    diary_all_index = DiaryByAuthor()
    diary_friends_index = DiaryForFriends()
    diary_members_index = DiaryForMembers()
    inquiries_by_status = InquiriesByStatus()
    inquiries_by_response_time = InquiriesByResponseTime()
    by_author = PostsByAuthor()


class CommentItem(Model):
    """A comment; ``comment_id`` sorts by time, so a post's comments Query oldest first."""

    class Meta(_Meta):
        base_name = "comments"
        stream_view_type = STREAM

    post_id = UnicodeAttribute(hash_key=True)
    comment_id = UnicodeAttribute(range_key=True)
    author_id = UnicodeAttribute()
    author_handle = UnicodeAttribute()
    body = UnicodeAttribute()
    official = BooleanAttribute()
    # Held for review (issue 9): not in the post's comment_count until approved.
    held = BooleanAttribute(null=True)
    held_id = UnicodeAttribute(null=True)
    spam_score = NumberAttribute(null=True)
    spam_signals = UnicodeAttribute(null=True)  # JSON list of {name, weight, detail}
    created_at = UTCDateTimeAttribute()
    edited_at = UTCDateTimeAttribute(null=True)
    version = NumberAttribute()


class CompanyItem(Model):
    """A verified company, registered by an admin."""

    class Meta(_Meta):
        base_name = "companies"
        stream_view_type = STREAM

    company_id = UnicodeAttribute(hash_key=True)
    name = UnicodeAttribute()
    website = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    version = NumberAttribute()


class StaffByMember(GlobalSecondaryIndex["StaffItem"]):
    class Meta:
        index_name = "by_member"
        projection = AllProjection()

    member_id = UnicodeAttribute(hash_key=True)
    company_id = UnicodeAttribute(range_key=True)


class StaffItem(Model):
    """A member's role at a company: owner, agent or advertiser."""

    class Meta(_Meta):
        base_name = "company_staff"

    company_id = UnicodeAttribute(hash_key=True)
    member_id = UnicodeAttribute(range_key=True)
    handle = UnicodeAttribute()
    role = UnicodeAttribute()
    since = UTCDateTimeAttribute()
    version = NumberAttribute()
    by_member = StaffByMember()


class CampaignItem(Model):
    """A sponsored-placement campaign of a company; its stream feeds the ad documents of the index.

    ``keywords`` is a JSON list of ``{text, match, max_cpc}`` (read whole, never queried).
    """

    class Meta(_Meta):
        base_name = "campaigns"
        stream_view_type = STREAM

    company_id = UnicodeAttribute(hash_key=True)
    campaign_id = UnicodeAttribute(range_key=True)
    company_name = UnicodeAttribute()
    name = UnicodeAttribute()
    target_type = UnicodeAttribute()
    target_id = UnicodeAttribute()
    headline = UnicodeAttribute()
    text = UnicodeAttribute()
    keywords = UnicodeAttribute()
    negative_keywords: ListAttribute[str] = ListAttribute()
    daily_budget = NumberAttribute()
    status = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    version = NumberAttribute()


class BudgetItem(Model):
    """A campaign's budget of one day: ``remaining`` only ever drops under ``remaining >= :price``."""

    class Meta(_Meta):
        base_name = "campaign_budgets"

    campaign_id = UnicodeAttribute(hash_key=True)
    day = UnicodeAttribute(range_key=True)
    budget = NumberAttribute()
    remaining = NumberAttribute()
    version = NumberAttribute()


class PlacementClickItem(Model):
    """One click per impression token (keyed by its nonce): charged or only recorded, and why."""

    class Meta(_Meta):
        base_name = "placement_clicks"

    nonce = UnicodeAttribute(hash_key=True)
    campaign_id = UnicodeAttribute()
    member_id = UnicodeAttribute()
    keyword = UnicodeAttribute()
    price = NumberAttribute()
    charged = BooleanAttribute()
    outcome = UnicodeAttribute()
    clicked_at = UTCDateTimeAttribute()
    version = NumberAttribute()


class LedgerItem(Model):
    """One charge to a campaign; ``entry_id`` is ``<day>#<nonce>``, so a day is a key-prefix Query."""

    class Meta(_Meta):
        base_name = "campaign_ledger"

    campaign_id = UnicodeAttribute(hash_key=True)
    entry_id = UnicodeAttribute(range_key=True)
    amount = NumberAttribute()
    keyword = UnicodeAttribute()
    member_id = UnicodeAttribute()
    charged_at = UTCDateTimeAttribute()
    version = NumberAttribute()


class BanItem(Model):
    """A ban in force, listed under one key so the expiry sweep finds every ban that has ended.

    Searches do not read it: a ban marks the member's posts ``author_hidden`` and the index
    carries that. ``until`` is None for a permanent ban; ``level`` is the step of the ladder.
    """

    class Meta(_Meta):
        base_name = "bans"

    list_name = UnicodeAttribute(hash_key=True)
    member_id = UnicodeAttribute(range_key=True)
    banned_at = UTCDateTimeAttribute()
    until = UTCDateTimeAttribute(null=True)
    level = NumberAttribute(null=True)
    reason = UnicodeAttribute(null=True)
    version = NumberAttribute()


class AuditItem(Model):
    """One moderation action (who, what, when, why), newest last under one key: ``log`` is ``audit``."""

    class Meta(_Meta):
        base_name = "audit_log"

    log = UnicodeAttribute(hash_key=True)
    entry_id = UnicodeAttribute(range_key=True)
    actor_id = UnicodeAttribute()
    actor_handle = UnicodeAttribute()
    action = UnicodeAttribute()
    target_type = UnicodeAttribute()
    target_id = UnicodeAttribute()
    reason = UnicodeAttribute(null=True)
    details = UnicodeAttribute(null=True)
    at = UTCDateTimeAttribute()
    version = NumberAttribute()


class LoginAttemptItem(Model):
    """Failed logins in the current window; expires by TTL.

    ``handle`` is the key counted: ``<handle>@<source address>`` (the lock of one handle from one
    address) or ``@<source address>`` (every failure from an address), never a handle alone.
    """

    class Meta(_Meta):
        base_name = "login_attempts"

    handle = UnicodeAttribute(hash_key=True)
    failures = NumberAttribute()
    window_ends = UTCDateTimeAttribute()
    ttl = TTLAttribute()
    version = NumberAttribute()


class RateLimitItem(Model):
    """One rate-limit window: ``counter_key`` is ``<action>#<member id>#<window start, epoch s>``.

    ``hits`` only grows by a conditional ADD (never past the limit); the item expires by TTL once
    its window has ended, and a new window is a new key, so an old item is never read again.
    """

    class Meta(_Meta):
        base_name = "rate_limits"

    counter_key = UnicodeAttribute(hash_key=True)
    hits = NumberAttribute()
    ttl = TTLAttribute()
    version = NumberAttribute()


class ReportsByStatus(_AllIndex):
    """Every report in one status, oldest first (the admins' queue)."""

    class Meta(_AllIndex.Meta):
        index_name = "by_status"

    status = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class ReportsByCommunityStatus(_AllIndex):
    """A community's reports in one status, oldest first: partition ``{community_id}#{status}`` (sparse)."""

    class Meta(_AllIndex.Meta):
        index_name = "by_community_status"

    community_status = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class ReportItem(Model):
    """A member's report of a post, comment or member; ``status`` is open or resolved.

    ``target_key`` is ``{type}#{id}`` (a comment's id is ``{post_id}/{comment_id}``, a member's is
    their member id); ``accused_id`` is the member reported or the author of the content.
    Reports arrive at a human pace, far below what one ``by_status`` partition takes.
    """

    class Meta(_Meta):
        base_name = "reports"

    report_id = UnicodeAttribute(hash_key=True)
    target_type = UnicodeAttribute()
    target_id = UnicodeAttribute()
    target_key = UnicodeAttribute()
    accused_id = UnicodeAttribute()
    reason = UnicodeAttribute()
    reporter_id = UnicodeAttribute()
    reporter_handle = UnicodeAttribute()
    community_id = UnicodeAttribute(null=True)
    status = UnicodeAttribute()
    community_status = UnicodeAttribute(null=True)
    created_at = UTCDateTimeAttribute()
    action = UnicodeAttribute(null=True)
    note = UnicodeAttribute(null=True)
    resolved_by = UnicodeAttribute(null=True)
    resolved_by_handle = UnicodeAttribute(null=True)
    resolved_at = UTCDateTimeAttribute(null=True)
    version = NumberAttribute()
    by_status = ReportsByStatus()
    by_community_status = ReportsByCommunityStatus()


class OpenReportItem(Model):
    """Reserves one open report per reporter and target; the open reports of a target are one Query."""

    class Meta(_Meta):
        base_name = "open_reports"

    target_key = UnicodeAttribute(hash_key=True)
    reporter_id = UnicodeAttribute(range_key=True)
    report_id = UnicodeAttribute()
    version = NumberAttribute()


class ClickDedupItem(Model):
    """A member's charged click on a campaign: their further clicks on it before ``expires_at`` are duplicates.

    Keyed (campaign id, member id) and written only inside the charge's transaction, under
    ``attribute_not_exists OR expires_at <= :now``, so of two parallel clicks by one member on one
    campaign (two tokens) exactly one is charged. ``expires_at`` (epoch seconds) decides, not the
    TTL: DynamoDB deletes expired items lazily, and ``ttl`` only keeps the table small.
    """

    class Meta(_Meta):
        base_name = "click_dedup"

    campaign_id = UnicodeAttribute(hash_key=True)
    member_id = UnicodeAttribute(range_key=True)
    nonce = UnicodeAttribute()
    expires_at = NumberAttribute()
    ttl = TTLAttribute()
    version = NumberAttribute()


class CompanyNameItem(Model):
    """A verified company's name, keyed in ``members.models.name_key`` form, so that a display name
    can be checked against every company with one GetItem; written in the company's creation
    transaction. ``company_id`` is the first company of that name."""

    class Meta(_Meta):
        base_name = "company_names"

    name_key = UnicodeAttribute(hash_key=True)
    company_id = UnicodeAttribute()
    version = NumberAttribute()


class HeldByQueue(_AllIndex):
    """One review queue, oldest first: ``community#<id>`` or ``diary`` (sparse: set while held)."""

    class Meta(_AllIndex.Meta):
        index_name = "by_queue"

    queue = UnicodeAttribute(hash_key=True)
    held_id = UnicodeAttribute(range_key=True)


class HeldPending(_AllIndex):
    """Every held item, oldest first (the admins' view): ``pending`` is the constant ``held`` while held."""

    class Meta(_AllIndex.Meta):
        index_name = "pending"

    pending = UnicodeAttribute(hash_key=True)
    held_id = UnicodeAttribute(range_key=True)


class HeldItem(Model):
    """A post or comment the spam check held, and its review: ``status`` held, approved, rejected or gone.

    ``held_id`` sorts by time (``sortable_id``); the post or comment carries it. ``queue`` and
    ``pending`` are set only while held, so both queues are sparse Queries; a reviewed item stays
    (who decided, when) until its TTL. ``signals`` is the JSON list of ``{name, weight, detail}``.
    """

    class Meta(_Meta):
        base_name = "held_items"
        stream_view_type = STREAM  # the notifier tells authors of reviews

    held_id = UnicodeAttribute(hash_key=True)
    item_type = UnicodeAttribute()
    post_id = UnicodeAttribute()
    comment_id = UnicodeAttribute(null=True)
    community_id = UnicodeAttribute(null=True)
    author_id = UnicodeAttribute()
    author_handle = UnicodeAttribute()
    title = UnicodeAttribute()
    body = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    score = NumberAttribute()
    threshold = NumberAttribute()
    signals = UnicodeAttribute()
    status = UnicodeAttribute()
    queue = UnicodeAttribute(null=True)
    pending = UnicodeAttribute(null=True)
    reviewed_by = UnicodeAttribute(null=True)
    reviewed_by_handle = UnicodeAttribute(null=True)
    reviewed_at = UTCDateTimeAttribute(null=True)
    ttl = TTLAttribute(null=True)
    version = NumberAttribute()
    by_queue = HeldByQueue()
    pending_index = HeldPending()


class UnreadNotifications(GlobalSecondaryIndex["NotificationItem"]):
    """Sparse: only unread notifications carry ``unread_member``; the badge counts its keys."""

    class Meta:
        index_name = "unread"
        projection = KeysOnlyProjection()

    unread_member = UnicodeAttribute(hash_key=True)
    notification_id = UnicodeAttribute(range_key=True)


class NotificationItem(Model):
    """A notification of a member (``owner`` = member id), or an entry of their friends' diary feed
    (``owner`` = ``feed#<member id>``, ``post_id`` only).

    ``notification_id`` is ``<time>.<event key>``: it sorts by time and is the same when a stream
    record is delivered again, so a replay finds the item there and leaves its read state alone.
    """

    class Meta(_Meta):
        base_name = "notifications"

    owner = UnicodeAttribute(hash_key=True)
    notification_id = UnicodeAttribute(range_key=True)
    kind = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    unread_member = UnicodeAttribute(null=True)
    actor_id = UnicodeAttribute(null=True)
    post_id = UnicodeAttribute(null=True)
    comment_id = UnicodeAttribute(null=True)
    title = UnicodeAttribute(null=True)
    community_id = UnicodeAttribute(null=True)
    company_id = UnicodeAttribute(null=True)
    ttl = TTLAttribute()
    version = NumberAttribute()
    unread = UnreadNotifications()


ALL_MODELS: list[type[Model]] = [
    MemberItem,
    HandleItem,
    InviteItem,
    SessionItem,
    FriendshipItem,
    CounterItem,
    CommunityItem,
    CommunityMemberItem,
    PostItem,
    CommentItem,
    CompanyItem,
    StaffItem,
    CampaignItem,
    BudgetItem,
    PlacementClickItem,
    LedgerItem,
    LoginAttemptItem,
    RateLimitItem,
    BanItem,
    AuditItem,
    ReportItem,
    OpenReportItem,
    ClickDedupItem,
    CompanyNameItem,
    HeldItem,
    NotificationItem,
]


def bind(settings: Settings, models: list[type[Model]] | None = None) -> None:
    """Point every model at its physical table and endpoint (called by the composition root)."""
    for model in models or ALL_MODELS:
        meta: Any = model.Meta
        meta.table_name = settings.table_name(meta.base_name)
        meta.host = settings.dynamodb_endpoint
        meta.region = settings.region
        model._connection = None
