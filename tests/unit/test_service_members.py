"""Membership use cases (signup, login, sessions, profile, withdrawal, stats) over in-memory ports.

Passwords are hashed with the real argon2 and tokens signed with the real TokenIssuer (PyJWT,
a test key). PyJWT checks ``exp`` and ``iat`` against the wall clock, so the fake clock starts
at the real now.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from msgspec import structs

from chalicelib import errors
from chalicelib.invites.models import Invite
from chalicelib.kernel import Caller, Member
from chalicelib.members import credentials
from chalicelib.members.credentials import TokenIssuer
from chalicelib.members.models import LoginRequest, PasswordChange, ProfileUpdate, SignupRequest, SiteTotals
from chalicelib.members.service import AuthService, MemberService
from tests.unit.fakes import FakeClock, FakeMembers, caller_of, member

PASSWORD = "violet-harbour-lantern-91"
QUOTA = 3
TTL_S = 3600
MAX_FAILURES = 3
WINDOW_S = 900


# --- fakes of the membership ports ---------------------------------------------------------------


@dataclasses.dataclass
class FakeMemberStore(FakeMembers):
    totals_: SiteTotals | None = None

    def create(self, m: Member) -> None:
        self.add(m)

    def signup(self, m: Member, invite: Invite, now: datetime) -> None:
        if invite.status != "active" or invite.expires_at <= now:
            raise errors.Conflict("This invite has already been used.", code="invite_used")
        invite.status, invite.used_by = "used", m.handle
        self.add(m)

    def update_profile(self, m: Member, changes: dict[str, Any]) -> Member:
        current = self.by_id[m.id]
        if current.version != m.version:
            raise errors.Conflict("changed meanwhile", code="edit_conflict")
        updated = structs.replace(current, **changes, version=current.version + 1)
        self.by_id[m.id] = updated
        return updated

    def set_password(self, m: Member, password_hash: str) -> bool:
        current = self.by_id[m.id]
        if current.version != m.version or not current.active:
            return False
        self.by_id[m.id] = structs.replace(current, password_hash=password_hash, version=current.version + 1)
        return True

    def end_membership(self, member_id: str, status: str) -> bool:
        m = self.by_id.get(member_id)
        if m is None or not m.active:
            return False
        self.by_id[member_id] = structs.replace(m, status=status)  # type: ignore[arg-type]
        return True

    def totals(self) -> SiteTotals:
        assert self.totals_ is not None
        return self.totals_


@dataclasses.dataclass
class FakeSessions:
    members: FakeMemberStore
    by_id: dict[str, tuple[str, datetime]] = dataclasses.field(default_factory=dict)

    def create(self, session_id: str, member_id: str, expires_at: datetime) -> None:
        self.by_id[session_id] = (member_id, expires_at)

    def live_member(self, session_id: str, member_id: str, now: datetime) -> Member | None:
        found = self.by_id.get(session_id)
        if found is None or found[0] != member_id or found[1] <= now:
            return None
        return self.members.get(member_id)

    def delete(self, session_id: str) -> None:
        self.by_id.pop(session_id, None)

    def delete_all(self, member_id: str, keep: str | None = None) -> int:
        ended = [sid for sid, (mid, _) in self.by_id.items() if mid == member_id and sid != keep]
        for sid in ended:
            del self.by_id[sid]
        return len(ended)


@dataclasses.dataclass
class FakeInvites:
    by_code: dict[str, Invite] = dataclasses.field(default_factory=dict)

    def get(self, code: str) -> Invite | None:
        return self.by_code.get(code)


@dataclasses.dataclass
class FakeAttempts:
    """Failures per (handle, address) and per address in a fixed window, like the DynamoDB store."""

    max_failures: int = MAX_FAILURES
    window_s: int = WINDOW_S
    max_per_address: int = MAX_FAILURES * 5
    by_key: dict[str, tuple[int, datetime]] = dataclasses.field(default_factory=dict)

    def _reserve(self, key: str, limit: int, now: datetime) -> int:
        failures, ends = self.by_key.get(key, (0, now))
        if ends <= now:
            failures, ends = 0, now + timedelta(seconds=self.window_s)
        if failures >= limit:
            return int((ends - now).total_seconds())
        self.by_key[key] = (failures + 1, ends)
        return 0

    def begin(self, handle: str, address: str, now: datetime) -> int:
        pair = f"{handle.lower()}@{address}"
        wait_s = self._reserve(pair, self.max_failures, now)
        if wait_s:
            return wait_s
        wait_s = self._reserve(f"@{address}", self.max_per_address, now)
        if wait_s:
            failures, ends = self.by_key[pair]
            self.by_key[pair] = (failures - 1, ends)
        return wait_s

    def succeeded(self, handle: str, address: str) -> None:
        self.by_key.pop(f"{handle.lower()}@{address}", None)
        failures, ends = self.by_key[f"@{address}"]
        self.by_key[f"@{address}"] = (failures - 1, ends)


@dataclasses.dataclass
class FakeFriendLinks:
    pairs: set[frozenset[str]] = dataclasses.field(default_factory=set)
    #: (asker, asked) of requests not yet accepted.
    asked: set[tuple[str, str]] = dataclasses.field(default_factory=set)

    def unlink_all(self, member_id: str) -> None:
        self.pairs = {p for p in self.pairs if member_id not in p}

    def state(self, member_id: str, other_id: str) -> str | None:
        if frozenset((member_id, other_id)) in self.pairs:
            return "friends"
        if (member_id, other_id) in self.asked:
            return "requested"
        return "pending" if (other_id, member_id) in self.asked else None


# --- fixtures ------------------------------------------------------------------------------------


@dataclasses.dataclass
class World:
    clock: FakeClock
    members: FakeMemberStore
    sessions: FakeSessions
    invites: FakeInvites
    attempts: FakeAttempts
    friends: FakeFriendLinks
    tokens: TokenIssuer
    auth: AuthService
    service: MemberService

    def invite(self, inviter: Member, *, status: str = "active", expires_in_s: float = 86400) -> Invite:
        now = self.clock()
        code = f"code-{len(self.invites.by_code)}"
        inv = Invite(
            code=code,
            inviter_id=inviter.id,
            inviter_handle=inviter.handle,
            note=None,
            status=status,  # type: ignore[arg-type]
            created_at=now,
            expires_at=now + timedelta(seconds=expires_in_s),
        )
        self.invites.by_code[code] = inv
        return inv

    def session_of(self, m: Member, session_id: str) -> str:
        """A token and its live session, made without the login path."""
        token, expires_at = self.tokens.issue(m.id, session_id, self.clock())
        self.sessions.create(session_id, m.id, expires_at)
        return token


@pytest.fixture(scope="module")
def password_hash() -> str:
    return credentials.hash_password(PASSWORD)


@pytest.fixture
def world() -> World:
    clock = FakeClock(datetime.now(UTC).replace(microsecond=0))
    members = FakeMemberStore()
    sessions = FakeSessions(members)
    invites = FakeInvites()
    attempts = FakeAttempts()
    friends = FakeFriendLinks()
    tokens = TokenIssuer("test-key-" + "x" * 32, "kizuna-test", "kizuna-test-api", TTL_S)
    auth = AuthService(members, sessions, invites, tokens, QUOTA, attempts, clock)
    service = MemberService(members, sessions, friends)
    return World(clock, members, sessions, invites, attempts, friends, tokens, auth, service)


@pytest.fixture
def alice(world: World, password_hash: str) -> Member:
    m = member("alice", password_hash=password_hash, invites_left=1)
    world.members.add(m)
    return m


def signup_request(code: str, handle: str = "Newbie", password: str = PASSWORD) -> SignupRequest:
    return SignupRequest(
        invite_code=code, handle=handle, display_name="New Bie", password=password, email="newbie@example.com"
    )


# --- signup --------------------------------------------------------------------------------------


def test_signup_with_valid_invite_creates_member_invited_by_inviter(world: World, alice: Member) -> None:
    invite = world.invite(alice)

    out = world.auth.signup(signup_request(invite.code))

    assert out.member.handle == "newbie"
    assert out.member.display_name == "New Bie"
    assert out.member.invited_by == "alice"
    assert out.member.invites_left == QUOTA
    assert out.member.roles == ["member"]
    stored = world.members.get_by_handle("newbie")
    assert stored is not None and stored.id == out.member.id
    assert stored.password_hash != PASSWORD
    assert credentials.verify_password(stored.password_hash, PASSWORD)
    assert invite.status == "used"
    assert world.auth.authenticate(out.token).member_id == out.member.id


def test_second_signup_with_same_invite_is_rejected(world: World, alice: Member) -> None:
    invite = world.invite(alice)
    world.auth.signup(signup_request(invite.code, handle="first"))

    with pytest.raises(errors.Conflict) as exc:
        world.auth.signup(signup_request(invite.code, handle="second"))

    assert exc.value.code == "invite_used"
    assert world.members.get_by_handle("second") is None


def test_signup_with_expired_invite_is_forbidden(world: World, alice: Member) -> None:
    invite = world.invite(alice, expires_in_s=60)
    world.clock.advance(60)

    with pytest.raises(errors.Forbidden) as exc:
        world.auth.signup(signup_request(invite.code))

    assert exc.value.code == "invite_invalid"
    assert world.members.get_by_handle("newbie") is None


def test_signup_with_revoked_invite_is_forbidden(world: World, alice: Member) -> None:
    invite = world.invite(alice, status="revoked")

    with pytest.raises(errors.Forbidden) as exc:
        world.auth.signup(signup_request(invite.code))

    assert exc.value.code == "invite_invalid"


def test_signup_with_unknown_invite_is_forbidden(world: World) -> None:
    with pytest.raises(errors.Forbidden) as exc:
        world.auth.signup(signup_request("no-such-code"))

    assert exc.value.code == "invite_invalid"


@pytest.mark.parametrize("password", ["password123", "Newbie_pass", "NEWBIE_PASS"], ids=["common", "handle", "case"])
def test_weak_password_is_rejected_and_invite_stays_unused(world: World, alice: Member, password: str) -> None:
    invite = world.invite(alice)

    with pytest.raises(errors.InvalidInput) as exc:
        world.auth.signup(signup_request(invite.code, handle="newbie_pass", password=password))

    assert exc.value.code == "weak_password"
    assert invite.status == "active"
    assert world.members.get_by_handle("newbie_pass") is None


# --- login ---------------------------------------------------------------------------------------


def test_login_with_right_password_returns_a_working_token(world: World, alice: Member) -> None:
    out = world.auth.login(LoginRequest(handle="ALICE", password=PASSWORD))

    assert out.expires_at == world.clock() + timedelta(seconds=TTL_S)
    caller = world.auth.authenticate(out.token)
    assert (caller.member_id, caller.handle) == (alice.id, "alice")
    assert len(world.sessions.by_id) == 1


def test_wrong_password_and_unknown_handle_get_the_same_answer(world: World, alice: Member) -> None:
    with pytest.raises(errors.Unauthenticated) as wrong:
        world.auth.login(LoginRequest(handle="alice", password="not-the-password"))
    with pytest.raises(errors.Unauthenticated) as unknown:
        world.auth.login(LoginRequest(handle="nobody", password=PASSWORD))

    assert (wrong.value.code, wrong.value.message) == (unknown.value.code, unknown.value.message)
    assert wrong.value.code == "invalid_credentials"
    assert world.sessions.by_id == {}


def test_withdrawn_member_cannot_log_in_with_the_right_password(world: World, password_hash: str) -> None:
    world.members.add(member("gone", status="withdrawn", password_hash=password_hash))

    with pytest.raises(errors.Unauthenticated) as exc:
        world.auth.login(LoginRequest(handle="gone", password=PASSWORD))

    assert exc.value.code == "invalid_credentials"
    assert world.sessions.by_id == {}


def test_login_is_locked_after_too_many_failures_even_with_the_right_password(world: World, alice: Member) -> None:
    for _ in range(MAX_FAILURES):
        with pytest.raises(errors.Unauthenticated):
            world.auth.login(LoginRequest(handle="alice", password="guess-guess"))

    with pytest.raises(errors.RateLimited) as locked:
        world.auth.login(LoginRequest(handle="alice", password=PASSWORD))
    assert locked.value.retry_after_s == WINDOW_S

    world.clock.advance(300)
    with pytest.raises(errors.RateLimited) as later:
        world.auth.login(LoginRequest(handle="Alice", password=PASSWORD))
    assert later.value.retry_after_s == WINDOW_S - 300
    assert world.sessions.by_id == {}

    world.clock.advance(WINDOW_S - 300)
    world.auth.login(LoginRequest(handle="alice", password=PASSWORD))
    assert len(world.sessions.by_id) == 1
    assert "alice@unknown" not in world.attempts.by_key, "a successful login forgets the failures"


def test_a_lock_from_one_address_does_not_reach_another(world: World, alice: Member) -> None:
    for _ in range(MAX_FAILURES):
        with pytest.raises(errors.Unauthenticated):
            world.auth.login(LoginRequest(handle="alice", password="guess-guess"), source_ip="203.0.113.9")
    with pytest.raises(errors.RateLimited):
        world.auth.login(LoginRequest(handle="alice", password=PASSWORD), source_ip="203.0.113.9")

    world.auth.login(LoginRequest(handle="alice", password=PASSWORD), source_ip="198.51.100.7")
    assert len(world.sessions.by_id) == 1
    assert "alice@203.0.113.9" in world.attempts.by_key, "the guesser's lock stays"


def test_an_address_guessing_at_many_handles_is_locked_for_all_of_them(world: World, alice: Member) -> None:
    for i in range(world.attempts.max_per_address):
        with pytest.raises(errors.Unauthenticated):
            world.auth.login(LoginRequest(handle=f"ghost{i}", password="guess-guess"), source_ip="203.0.113.9")

    with pytest.raises(errors.RateLimited) as locked:
        world.auth.login(LoginRequest(handle="alice", password=PASSWORD), source_ip="203.0.113.9")
    assert locked.value.retry_after_s == WINDOW_S
    world.auth.login(LoginRequest(handle="alice", password=PASSWORD), source_ip="198.51.100.7")


# --- tokens and sessions -------------------------------------------------------------------------


def test_valid_token_authenticates_its_member(world: World, alice: Member) -> None:
    token = world.session_of(alice, "s-1")

    caller = world.auth.authenticate(token)

    assert (caller.member_id, caller.handle, caller.session_id, caller.roles) == (alice.id, "alice", "s-1", ("member",))
    assert caller.member is not None and caller.member.id == alice.id


def test_token_whose_session_was_deleted_is_unauthenticated(world: World, alice: Member) -> None:
    token = world.session_of(alice, "s-1")
    del world.sessions.by_id["s-1"]

    with pytest.raises(errors.Unauthenticated) as exc:
        world.auth.authenticate(token)

    assert exc.value.code == "session_ended"


def test_token_of_a_banned_member_stops_working_although_the_session_is_live(world: World, alice: Member) -> None:
    token = world.session_of(alice, "s-1")
    world.members.by_id[alice.id] = structs.replace(alice, status="banned")

    with pytest.raises(errors.Unauthenticated) as exc:
        world.auth.authenticate(token)

    assert exc.value.code == "session_ended"


def test_token_signed_with_another_key_is_invalid(world: World, alice: Member) -> None:
    world.sessions.create("s-1", alice.id, world.clock() + timedelta(hours=1))
    forged, _ = TokenIssuer("another-key-" + "y" * 32, "kizuna-test", "kizuna-test-api", TTL_S).issue(
        alice.id, "s-1", world.clock()
    )

    with pytest.raises(errors.Unauthenticated) as exc:
        world.auth.authenticate(forged)

    assert exc.value.code == "token_invalid"


def test_logout_ends_only_the_callers_session(world: World, alice: Member) -> None:
    token = world.session_of(alice, "s-1")
    other = world.session_of(alice, "s-2")
    caller = world.auth.authenticate(token)

    world.auth.logout(caller)

    with pytest.raises(errors.Unauthenticated):
        world.auth.authenticate(token)
    assert world.auth.authenticate(other).session_id == "s-2"


# --- profile, withdrawal, stats ------------------------------------------------------------------


def test_me_is_the_callers_own_profile(world: World, alice: Member) -> None:
    me = world.service.me(caller_of(alice))

    assert (me.id, me.handle, me.email, me.invites_left) == (alice.id, "alice", "alice@example.com", 1)


def test_me_reads_the_member_when_the_caller_carries_none(world: World, alice: Member) -> None:
    assert world.service.me(Caller(alice.id, "alice", "ops")).id == alice.id
    with pytest.raises(errors.Unauthenticated):
        world.service.me(Caller("no-such-id", "ghost", "ops"))


def test_update_me_changes_only_what_is_given(world: World, alice: Member) -> None:
    out = world.service.update_me(caller_of(alice), ProfileUpdate(display_name="  Alice B  "))

    assert out.display_name == "Alice B"
    assert out.email == "alice@example.com"
    stored = world.members.get(alice.id)
    assert stored is not None and stored.display_name == "Alice B" and stored.email == "alice@example.com"


def test_public_profile_of_an_active_member(world: World, alice: Member) -> None:
    bob = member("bob")
    world.members.add(bob)

    out = world.service.public_profile(caller_of(bob), "Alice")

    assert out.model_dump() == {
        "handle": "alice",
        "display_name": "Alice",
        "joined_at": alice.created_at,
        "bio": "",
        "relation": "none",
    }


def test_public_profile_says_how_the_reader_stands_to_the_member(world: World, alice: Member) -> None:
    bob, carol, dave = member("bob"), member("carol"), member("dave")
    world.members.add(bob, carol, dave)
    world.friends.pairs = {frozenset((alice.id, bob.id))}
    world.friends.asked = {(alice.id, carol.id), (dave.id, alice.id)}

    def relation(handle: str) -> str:
        return world.service.public_profile(caller_of(alice), handle).relation

    assert [relation(h) for h in ("alice", "bob", "carol", "dave")] == ["self", "friends", "requested", "pending"]


def test_bio_is_changed_alone_and_shown_on_the_profile(world: World, alice: Member) -> None:
    out = world.service.update_me(caller_of(alice), ProfileUpdate(bio="ラーメンが好きです。"))

    assert out.bio == "ラーメンが好きです。" and out.display_name == "Alice"
    bob = member("bob")
    world.members.add(bob)
    assert world.service.public_profile(caller_of(bob), "alice").bio == "ラーメンが好きです。"


@pytest.mark.parametrize("status", ["withdrawn", "banned"])
def test_public_profile_of_a_withdrawn_or_banned_member_is_not_found(world: World, status: str) -> None:
    world.members.add(member("carol", status=status))

    with pytest.raises(errors.NotFound):
        world.service.public_profile(caller_of(member("reader")), "carol")


def test_withdraw_ends_every_session_and_unlinks_friends(world: World, alice: Member) -> None:
    bob, carol = member("bob"), member("carol")
    world.members.add(bob, carol)
    tokens = [world.session_of(alice, "a-1"), world.session_of(alice, "a-2")]
    bobs = world.session_of(bob, "b-1")
    world.friends.pairs = {
        frozenset((alice.id, bob.id)),
        frozenset((alice.id, carol.id)),
        frozenset((bob.id, carol.id)),
    }

    world.service.withdraw(caller_of(alice))

    stored = world.members.get(alice.id)
    assert stored is not None and stored.status == "withdrawn"
    for token in tokens:
        with pytest.raises(errors.Unauthenticated):
            world.auth.authenticate(token)
    assert world.auth.authenticate(bobs).member_id == bob.id
    assert world.friends.pairs == {frozenset((bob.id, carol.id))}
    with pytest.raises(errors.NotFound):
        world.service.public_profile(caller_of(bob), "alice")


def test_stats_maps_every_total_to_its_field(world: World) -> None:
    world.members.totals_ = SiteTotals(
        members_cumulative=10, members_active=7, members_withdrawn=3, communities=4, posts=5
    )

    stats = world.service.stats()

    assert stats.model_dump() == {
        "members": {"cumulative": 10, "active": 7, "withdrawn": 3},
        "communities": 4,
        "posts": 5,
    }


class CountingMetrics:
    def __init__(self) -> None:
        self.recorded: list[tuple[str, float]] = []

    def record(self, name: str, value: float = 1) -> None:
        self.recorded.append((name, value))


def test_a_signup_is_counted_once_and_a_refused_one_not_at_all(world: World, alice: Member) -> None:
    metrics = CountingMetrics()
    world.auth.metrics = metrics
    invite = world.invite(alice)
    world.auth.signup(signup_request(invite.code, handle="counted"))
    with pytest.raises(errors.Conflict):
        world.auth.signup(signup_request(invite.code, handle="refused"))
    assert metrics.recorded == [("Signups", 1)]


def test_password_change_needs_the_current_password_and_a_good_new_one(world: World, alice: Member) -> None:
    me = caller_of(alice)
    with pytest.raises(errors.InvalidInput) as wrong:
        world.auth.change_password(me, PasswordChange(current_password="not-it", new_password="a-new-passphrase"))
    assert wrong.value.code == "invalid_credentials" and wrong.value.details[0]["path"] == "current_password"
    with pytest.raises(errors.InvalidInput) as weak:
        world.auth.change_password(me, PasswordChange(current_password=PASSWORD, new_password="password"))
    assert weak.value.code == "weak_password" and weak.value.details[0]["path"] == "new_password"

    world.auth.change_password(me, PasswordChange(current_password=PASSWORD, new_password="a-new-passphrase"))

    assert world.auth.login(LoginRequest(handle="alice", password="a-new-passphrase")).token
    with pytest.raises(errors.Unauthenticated):
        world.auth.login(LoginRequest(handle="alice", password=PASSWORD))


def test_wrong_current_passwords_are_limited_like_failed_logins(world: World, alice: Member) -> None:
    me = caller_of(alice)
    for _ in range(world.attempts.max_failures):
        with pytest.raises(errors.InvalidInput):
            world.auth.change_password(me, PasswordChange(current_password="guess", new_password="a-new-passphrase"))

    with pytest.raises(errors.RateLimited):
        world.auth.change_password(me, PasswordChange(current_password=PASSWORD, new_password="a-new-passphrase"))
