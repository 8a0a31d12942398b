"""Rate limits: the policy (parsing, sandbox, admins), the limiter over a fake counter, and that every
write use case asks the limiter first, before it reads or writes anything."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from msgspec import structs

from chalicelib import errors
from chalicelib.config import load_settings
from chalicelib.friends.service import FriendService
from chalicelib.invites.service import InviteService
from chalicelib.kernel import Caller
from chalicelib.limits import (
    ACTIONS,
    DEFAULT_LIMITS,
    DEFAULT_POLICY,
    DEFAULT_SANDBOX_DAYS,
    DEFAULT_SANDBOX_LIMITS,
    Limit,
    PolicyLimiter,
    RatePolicy,
    format_limits,
    parse_limits,
)
from chalicelib.moderation.models import ReportCreate
from chalicelib.moderation.service import ModerationService
from chalicelib.placements.service import PlacementService
from chalicelib.posts.models import CommentCreate, DiaryCreate, PostCreate
from chalicelib.posts.service import PostService
from chalicelib.search.service import SearchService
from tests.unit.fakes import T0, FakeClock, caller_of, member

# --- configuration -------------------------------------------------------------------------------


def test_the_defaults_name_every_action_and_the_sandbox_is_stricter() -> None:
    assert set(DEFAULT_LIMITS) == set(DEFAULT_SANDBOX_LIMITS) == set(ACTIONS)
    for action in ACTIONS:
        normal, sandbox = DEFAULT_LIMITS[action], DEFAULT_SANDBOX_LIMITS[action]
        assert sandbox.count / sandbox.window_s < normal.count / normal.window_s, action


def test_the_defaults_stop_a_burst_but_not_a_person() -> None:
    # "55 topics and 105 comments in a few seconds" is far over; a person typing is far under.
    assert DEFAULT_LIMITS["post"].count < 55 and DEFAULT_LIMITS["comment"].count < 105
    assert DEFAULT_LIMITS["comment"].count / DEFAULT_LIMITS["comment"].window_s >= 1 / 15  # a comment every 15 s
    assert DEFAULT_SANDBOX_LIMITS["post"].count >= 3 and DEFAULT_SANDBOX_LIMITS["comment"].count >= 10


def test_overrides_apply_over_the_defaults() -> None:
    limits = parse_limits(" comment=5/60, search=off ,", DEFAULT_LIMITS)
    assert limits["comment"] == Limit(5, 60)
    assert limits["search"] is None
    assert limits["post"] == DEFAULT_LIMITS["post"]


def test_the_wildcard_sets_every_action_and_named_entries_win_wherever_they_stand() -> None:
    limits = parse_limits("post=2/10,*=100/60", DEFAULT_LIMITS)
    assert limits["post"] == Limit(2, 10)
    assert {a: limits[a] for a in ACTIONS if a != "post"} == dict.fromkeys(set(ACTIONS) - {"post"}, Limit(100, 60))


def test_limits_format_back_to_what_parses() -> None:
    assert parse_limits(format_limits(DEFAULT_LIMITS), {}) == DEFAULT_LIMITS


@pytest.mark.parametrize(
    "text", ["comments=1/60", "comment", "comment=0/60", "comment=5/0", "comment=5", "comment=a/b"]
)
def test_a_malformed_limit_is_refused_at_startup(text: str) -> None:
    with pytest.raises(ValueError):
        load_settings({"KIZUNA_RATE_LIMITS": text})


def test_settings_read_the_limits_from_the_environment() -> None:
    s = load_settings(
        {"KIZUNA_RATE_LIMITS": "comment=7/70", "KIZUNA_SANDBOX_RATE_LIMITS": "*=1/60", "KIZUNA_SANDBOX_DAYS": "9"}
    )
    assert s.rate_limits["comment"] == Limit(7, 70)
    assert s.rate_limits["post"] == DEFAULT_LIMITS["post"]
    assert set(s.sandbox_rate_limits.values()) == {Limit(1, 60)}
    assert s.sandbox_days == 9
    defaults = load_settings({})
    assert (defaults.rate_limits, defaults.sandbox_rate_limits) == (DEFAULT_LIMITS, DEFAULT_SANDBOX_LIMITS)
    assert defaults.sandbox_days == 3 and defaults.login_max_failures_per_address == 50


# --- the policy ----------------------------------------------------------------------------------

OLD = member("veteran", created_at=T0 - timedelta(days=30))
NEW = member("newcomer", created_at=T0 - timedelta(days=1))
ADMIN = member("boss", roles=("member", "admin"), created_at=T0)


def test_a_member_in_their_first_days_gets_the_sandbox_limits() -> None:
    assert DEFAULT_POLICY.limit_for(caller_of(NEW), "comment", T0) == DEFAULT_SANDBOX_LIMITS["comment"]
    assert DEFAULT_POLICY.limit_for(caller_of(OLD), "comment", T0) == DEFAULT_LIMITS["comment"]
    later = T0 + timedelta(days=2, seconds=1)  # three days after joining
    assert DEFAULT_POLICY.limit_for(caller_of(NEW), "comment", later) == DEFAULT_LIMITS["comment"]


def test_no_sandbox_when_its_days_are_zero() -> None:
    policy = structs.replace(DEFAULT_POLICY, sandbox_days=0)
    assert policy.limit_for(caller_of(NEW), "post", T0) == DEFAULT_LIMITS["post"]


def test_admins_are_exempt_even_when_new() -> None:
    for action in ACTIONS:
        assert DEFAULT_POLICY.limit_for(caller_of(ADMIN), action, T0) is None


def test_a_caller_without_a_member_record_is_not_sandboxed() -> None:
    bare = Caller(NEW.id, NEW.handle, "s")
    assert DEFAULT_POLICY.limit_for(bare, "post", T0) == DEFAULT_LIMITS["post"]


def test_an_unknown_action_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        DEFAULT_POLICY.limit_for(caller_of(OLD), "posts", T0)


# --- the limiter ---------------------------------------------------------------------------------


@dataclasses.dataclass
class FakeCounter:
    """Fixed windows aligned to the epoch, like the DynamoDB store."""

    hits: dict[str, int] = dataclasses.field(default_factory=dict)

    def hit(self, key: str, limit: Limit, now: datetime) -> int:
        start = int(now.timestamp()) // limit.window_s * limit.window_s
        window = f"{key}#{start}"
        if self.hits.get(window, 0) >= limit.count:
            return max(1, start + limit.window_s - int(now.timestamp()))
        self.hits[window] = self.hits.get(window, 0) + 1
        return 0


def limiter(counter: FakeCounter, clock: FakeClock, **limits: Limit | None) -> PolicyLimiter:
    policy = RatePolicy({**DEFAULT_LIMITS, **limits}, {**DEFAULT_SANDBOX_LIMITS, "comment": Limit(1, 60)}, 3)
    return PolicyLimiter(policy, counter, clock)


def test_over_the_limit_is_rate_limited_until_the_window_ends() -> None:
    clock, counter = FakeClock(T0.replace(minute=0, second=0)), FakeCounter()
    lim = limiter(counter, clock, comment=Limit(3, 60))
    for _ in range(3):
        lim.hit(caller_of(OLD), "comment")
    clock.advance(20)
    with pytest.raises(errors.RateLimited) as exc:
        lim.hit(caller_of(OLD), "comment")
    assert exc.value.code == "rate_limited"
    assert exc.value.retry_after_s == 40
    clock.advance(40)
    lim.hit(caller_of(OLD), "comment")  # a new window


def test_limits_count_per_member_and_action() -> None:
    clock, counter = FakeClock(), FakeCounter()
    lim = limiter(counter, clock, comment=Limit(1, 60), post=Limit(1, 60))
    other = member("other", created_at=T0 - timedelta(days=30))
    lim.hit(caller_of(OLD), "comment")
    lim.hit(caller_of(OLD), "post")
    lim.hit(caller_of(other), "comment")
    with pytest.raises(errors.RateLimited):
        lim.hit(caller_of(OLD), "comment")


def test_an_action_that_is_off_is_never_counted() -> None:
    clock, counter = FakeClock(), FakeCounter()
    lim = limiter(counter, clock, search=None)
    for _ in range(1000):
        lim.hit(caller_of(OLD), "search")
    assert counter.hits == {}


def test_the_sandbox_and_admins_through_the_limiter() -> None:
    clock, counter = FakeClock(), FakeCounter()
    lim = limiter(counter, clock)
    lim.hit(caller_of(NEW), "comment")
    with pytest.raises(errors.RateLimited):
        lim.hit(caller_of(NEW), "comment")
    for _ in range(100):
        lim.hit(caller_of(ADMIN), "comment")
    assert not any(k.startswith(f"comment#{ADMIN.id}") for k in counter.hits)


# --- every write use case asks first -------------------------------------------------------------


class Untouchable:
    """A port that fails the test if the service reaches it at all."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the service used {name!r} before the rate limit")


class Refused(Exception):
    pass


@dataclasses.dataclass
class RefusingLimiter:
    """Records the action and refuses it."""

    actions: list[str] = dataclasses.field(default_factory=list)

    def hit(self, caller: Caller, action: str) -> None:
        self.actions.append(action)
        raise errors.RateLimited("slow down", retry_after_s=7)


X = Untouchable()


def _services(lim: RefusingLimiter) -> dict[str, Callable[[Caller], object]]:
    posts = PostService(X, X, X, X, X, limiter=lim)  # type: ignore[arg-type]
    invites = InviteService(X, 14, limiter=lim)  # type: ignore[arg-type]
    friends = FriendService(X, X, limiter=lim)  # type: ignore[arg-type]
    moderation = ModerationService(X, X, X, X, X, limiter=lim)  # type: ignore[arg-type]
    search = SearchService(X, X, X, X, limiter=lim)  # type: ignore[arg-type]
    placements = PlacementService(X, X, X, X, X, 2, 5, limiter=lim)  # type: ignore[arg-type]
    report = ReportCreate(target_type="member", target_id="someone", reason="spam")
    return {
        "post": lambda c: posts.create_topic(c, "community", PostCreate(title="t", body="b")),
        "diary": lambda c: posts.create_diary(c, DiaryCreate(title="t", body="b", visibility="members")),
        "comment": lambda c: posts.comment(c, "post", CommentCreate(body="b")),
        "invite": lambda c: invites.create(c, None),
        "invite (issue)": lambda c: invites.issue(c, None),
        "friend_request": lambda c: friends.request(c, "someone"),
        "report": lambda c: moderation.report(c, report),
        "search": lambda c: search.search(c, "q", "all", None, 10),
        "click": lambda c: placements.click(c, "a.b"),
        "click (follow)": lambda c: placements.follow(c, "a.b"),
    }


@pytest.mark.parametrize("use_case", list(_services(RefusingLimiter())))
def test_each_write_use_case_asks_the_limiter_before_it_touches_any_port(use_case: str) -> None:
    lim = RefusingLimiter()
    call = _services(lim)[use_case]
    with pytest.raises(errors.RateLimited) as exc:
        call(caller_of(OLD))
    assert exc.value.retry_after_s == 7
    assert lim.actions == [use_case.split(" ")[0]], "asked once, for its own action"


def test_the_readme_documents_the_defaults() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert f"`{format_limits(DEFAULT_LIMITS)}`" in readme
    assert f"`{format_limits(DEFAULT_SANDBOX_LIMITS)}`, {DEFAULT_SANDBOX_DAYS} |" in readme
