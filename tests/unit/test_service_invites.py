"""Invitation use cases (issue within quota, list with status, revoke) over an in-memory store."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from msgspec import structs

from chalicelib import errors
from chalicelib.invites.models import Invite
from chalicelib.invites.service import InviteService
from chalicelib.kernel import Member
from chalicelib.pagination import Slice
from tests.unit.fakes import T0, FakeClock, caller_of, member

TTL_DAYS = 7


@dataclasses.dataclass
class FakeInviteStore:
    """Invites by code and each inviter's remaining quota."""

    quota: dict[str, int] = dataclasses.field(default_factory=dict)
    by_code: dict[str, Invite] = dataclasses.field(default_factory=dict)

    def create(self, invite: Invite) -> None:
        if self.quota.get(invite.inviter_id, 0) <= 0:
            raise errors.Forbidden("No invites left.", code="invite_quota_exhausted")
        self.quota[invite.inviter_id] -= 1
        self.by_code[invite.code] = structs.replace(invite)

    def get(self, code: str) -> Invite | None:
        return self.by_code.get(code)

    def list_by_inviter(self, inviter_id: str, limit: int, cursor: str | None) -> Slice[Invite]:
        mine = sorted(
            (i for i in self.by_code.values() if i.inviter_id == inviter_id), key=lambda i: i.created_at, reverse=True
        )
        start = int(cursor or 0)
        end = start + limit
        return Slice(mine[start:end], str(end) if end < len(mine) else None)

    def revoke(self, code: str, inviter_id: str) -> bool:
        invite = self.by_code.get(code)
        if invite is None or invite.inviter_id != inviter_id or invite.status != "active":
            return False
        invite.status = "revoked"
        self.quota[inviter_id] += 1
        return True


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store() -> FakeInviteStore:
    return FakeInviteStore()


@pytest.fixture
def service(store: FakeInviteStore, clock: FakeClock) -> InviteService:
    return InviteService(store, TTL_DAYS, clock)


@pytest.fixture
def alice(store: FakeInviteStore) -> Member:
    m = member("alice")
    store.quota[m.id] = 2
    return m


def test_issued_invite_is_active_and_expires_after_the_ttl(service: InviteService, alice: Member) -> None:
    invite = service.issue(caller_of(alice), "for bob")

    assert invite.status == "active"
    assert (invite.inviter_id, invite.inviter_handle, invite.note) == (alice.id, "alice", "for bob")
    assert invite.created_at == T0
    assert invite.expires_at == T0 + timedelta(days=TTL_DAYS)
    assert len(invite.code) >= 22, "128 random bits, URL-safe"


def test_every_invite_gets_its_own_code(service: InviteService, alice: Member) -> None:
    codes = {service.issue(caller_of(alice), None).code for _ in range(2)}

    assert len(codes) == 2


def test_create_shows_the_new_invite_as_active(service: InviteService, store: FakeInviteStore, alice: Member) -> None:
    out = service.create(caller_of(alice), None)

    assert out.status == "active"
    assert out.used_by is None
    assert store.get(out.code) is not None
    assert store.quota[alice.id] == 1


def test_creating_beyond_the_quota_is_forbidden(service: InviteService, store: FakeInviteStore, alice: Member) -> None:
    service.create(caller_of(alice), None)
    service.create(caller_of(alice), None)

    with pytest.raises(errors.Forbidden) as exc:
        service.create(caller_of(alice), None)

    assert exc.value.code == "invite_quota_exhausted"
    assert len(store.by_code) == 2


def test_list_shows_active_used_revoked_and_expired(
    service: InviteService, store: FakeInviteStore, clock: FakeClock, alice: Member
) -> None:
    store.quota[alice.id] = 4
    codes = []
    for _ in range(4):
        codes.append(service.issue(caller_of(alice), None).code)
        clock.advance(86400)
    used, revoked, stale, fresh = codes
    store.by_code[used].status, store.by_code[used].used_by = "used", "bob"
    store.by_code[revoked].status = "revoked"
    clock.now = store.by_code[stale].expires_at  # expiry is inclusive

    page = service.list(caller_of(alice), 10, None)

    statuses = {i.code: (i.status, i.used_by) for i in page.items}
    assert statuses == {
        used: ("used", "bob"),
        revoked: ("revoked", None),
        stale: ("expired", None),
        fresh: ("active", None),
    }
    assert [i.code for i in page.items] == [fresh, stale, revoked, used], "newest first"
    assert page.next_cursor is None


def test_used_invite_stays_used_after_its_expiry(
    service: InviteService, store: FakeInviteStore, clock: FakeClock, alice: Member
) -> None:
    invite = service.issue(caller_of(alice), None)
    store.by_code[invite.code].status = "used"
    clock.advance(TTL_DAYS * 86400 + 1)

    [out] = service.list(caller_of(alice), 10, None).items

    assert out.status == "used"


def test_list_pages_through_the_callers_invites_only(
    service: InviteService, store: FakeInviteStore, clock: FakeClock, alice: Member
) -> None:
    bob = member("bob")
    store.quota[bob.id] = 1
    service.issue(caller_of(bob), None)
    issued = []
    for _ in range(2):
        issued.append(service.issue(caller_of(alice), None).code)
        clock.advance(1)

    first = service.list(caller_of(alice), 1, None)
    second = service.list(caller_of(alice), 1, first.next_cursor)

    assert [i.code for i in first.items] == [issued[1]]
    assert first.next_cursor is not None
    assert [i.code for i in second.items] == [issued[0]]
    assert second.next_cursor is None


def test_revoking_an_own_unused_invite_gives_the_quota_back(
    service: InviteService, store: FakeInviteStore, alice: Member
) -> None:
    invite = service.issue(caller_of(alice), None)

    service.revoke(caller_of(alice), invite.code)

    assert store.by_code[invite.code].status == "revoked"
    assert store.quota[alice.id] == 2
    [out] = service.list(caller_of(alice), 10, None).items
    assert out.status == "revoked"


def test_revoking_someone_elses_invite_is_not_found(
    service: InviteService, store: FakeInviteStore, alice: Member
) -> None:
    invite = service.issue(caller_of(alice), None)
    mallory = member("mallory")

    with pytest.raises(errors.NotFound):
        service.revoke(caller_of(mallory), invite.code)

    assert store.by_code[invite.code].status == "active"


def test_revoking_an_unknown_code_is_not_found(service: InviteService, alice: Member) -> None:
    with pytest.raises(errors.NotFound):
        service.revoke(caller_of(alice), "no-such-code")


def test_revoking_someone_elses_revoked_invite_is_still_not_found(
    service: InviteService, store: FakeInviteStore, alice: Member
) -> None:
    invite = service.issue(caller_of(alice), None)
    store.by_code[invite.code].status = "revoked"

    with pytest.raises(errors.NotFound):
        service.revoke(caller_of(member("mallory")), invite.code)


def test_revoking_a_used_invite_is_a_conflict(service: InviteService, store: FakeInviteStore, alice: Member) -> None:
    invite = service.issue(caller_of(alice), None)
    store.by_code[invite.code].status = "used"

    with pytest.raises(errors.Conflict) as exc:
        service.revoke(caller_of(alice), invite.code)

    assert exc.value.code == "invite_used"
    assert store.quota[alice.id] == 1


def test_revoking_an_already_revoked_invite_is_no_error(
    service: InviteService, store: FakeInviteStore, alice: Member
) -> None:
    invite = service.issue(caller_of(alice), None)
    service.revoke(caller_of(alice), invite.code)

    service.revoke(caller_of(alice), invite.code)

    assert store.by_code[invite.code].status == "revoked"
    assert store.quota[alice.id] == 2, "the quota comes back once"


def test_revoke_that_loses_a_race_with_signup_is_a_conflict(
    service: InviteService, store: FakeInviteStore, alice: Member, monkeypatch: pytest.MonkeyPatch
) -> None:
    invite = service.issue(caller_of(alice), None)
    monkeypatch.setattr(store, "revoke", lambda code, inviter_id: False)

    with pytest.raises(errors.Conflict) as exc:
        service.revoke(caller_of(alice), invite.code)

    assert exc.value.code == "invite_used"
