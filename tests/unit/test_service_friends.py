"""Friend-link use cases (request, accept by requesting back, remove, list) over an in-memory store."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest
from msgspec import structs

from chalicelib import errors
from chalicelib.friends.models import Friendship
from chalicelib.friends.service import FriendService
from chalicelib.kernel import WITHDRAWN_NAME, Member
from chalicelib.pagination import Slice
from tests.unit.fakes import T0, FakeClock, FakeMembers, caller_of, member


@dataclasses.dataclass
class FakeFriendStore:
    """Both sides of every link, keyed (member id, other id)."""

    links: dict[tuple[str, str], Friendship] = dataclasses.field(default_factory=dict)

    def get(self, member_id: str, other_id: str) -> Friendship | None:
        return self.links.get((member_id, other_id))

    def link(self, me: tuple[str, str], other: tuple[str, str], my_state: str, their_state: str, now: datetime) -> None:
        (my_id, my_handle), (other_id, other_handle) = me, other
        self.links[my_id, other_id] = Friendship(my_id, other_id, other_handle, my_state, now)  # type: ignore[arg-type]
        self.links[other_id, my_id] = Friendship(other_id, my_id, my_handle, their_state, now)  # type: ignore[arg-type]

    def unlink(self, member_id: str, other_id: str) -> None:
        self.links.pop((member_id, other_id), None)
        self.links.pop((other_id, member_id), None)

    def list(self, member_id: str, state: str | None, limit: int, cursor: str | None) -> Slice[Friendship]:
        mine = sorted(
            (f for (m, _), f in self.links.items() if m == member_id and state in (None, f.state)),
            key=lambda f: f.other_handle,
        )
        start = int(cursor or 0)
        end = start + limit
        return Slice(mine[start:end], str(end) if end < len(mine) else None)


@dataclasses.dataclass
class World:
    clock: FakeClock
    members: FakeMembers
    store: FakeFriendStore
    service: FriendService
    alice: Member
    bob: Member

    def state(self, a: Member, b: Member) -> str | None:
        link = self.store.get(a.id, b.id)
        return None if link is None else link.state


@pytest.fixture
def world() -> World:
    clock, store = FakeClock(), FakeFriendStore()
    alice, bob = member("alice"), member("bob", display_name="Bob B")
    members = FakeMembers().add(alice, bob)
    return World(clock, members, store, FriendService(store, members, clock), alice, bob)


def test_request_then_request_back_makes_both_friends(world: World) -> None:
    asked = world.service.request(caller_of(world.alice), "bob")

    assert (asked.handle, asked.display_name, asked.state) == ("bob", "Bob B", "requested")
    assert world.state(world.bob, world.alice) == "pending"

    world.clock.advance(60)
    accepted = world.service.request(caller_of(world.bob), "Alice")

    assert (accepted.handle, accepted.display_name, accepted.state) == ("alice", "Alice", "friends")
    assert world.state(world.alice, world.bob) == "friends"
    assert world.state(world.bob, world.alice) == "friends"


def test_requesting_again_is_idempotent(world: World) -> None:
    first = world.service.request(caller_of(world.alice), "bob")
    world.clock.advance(3600)

    again = world.service.request(caller_of(world.alice), "bob")

    assert again == first
    assert again.since == T0, "the request keeps its first time"
    assert world.state(world.bob, world.alice) == "pending"


def test_requesting_an_existing_friend_changes_nothing(world: World) -> None:
    world.service.request(caller_of(world.alice), "bob")
    befriended = world.service.request(caller_of(world.bob), "alice")
    world.clock.advance(3600)

    for asker, other in ((world.alice, "bob"), (world.bob, "alice")):
        out = world.service.request(caller_of(asker), other)
        assert out.state == "friends"
        assert out.since == befriended.since


def test_befriending_yourself_is_invalid(world: World) -> None:
    with pytest.raises(errors.InvalidInput) as exc:
        world.service.request(caller_of(world.alice), "ALICE")

    assert exc.value.code == "self_friendship"
    assert world.store.links == {}


@pytest.mark.parametrize("status", ["withdrawn", "banned"])
def test_requesting_a_withdrawn_or_banned_member_is_not_found(world: World, status: str) -> None:
    world.members.add(member("carol", status=status))

    with pytest.raises(errors.NotFound):
        world.service.request(caller_of(world.alice), "carol")

    assert world.store.links == {}


def test_requesting_an_unknown_handle_is_not_found(world: World) -> None:
    with pytest.raises(errors.NotFound):
        world.service.request(caller_of(world.alice), "nobody")


def test_remove_unfriends_both_sides_and_is_idempotent(world: World) -> None:
    world.service.request(caller_of(world.alice), "bob")
    world.service.request(caller_of(world.bob), "alice")

    world.service.remove(caller_of(world.bob), "alice")
    world.service.remove(caller_of(world.bob), "alice")

    assert world.state(world.alice, world.bob) is None
    assert world.state(world.bob, world.alice) is None


def test_remove_declines_a_pending_request_and_a_new_request_starts_over(world: World) -> None:
    world.service.request(caller_of(world.alice), "bob")
    world.service.remove(caller_of(world.bob), "alice")

    out = world.service.request(caller_of(world.bob), "alice")

    assert out.state == "requested", "not an acceptance of the declined request"
    assert world.state(world.alice, world.bob) == "pending"


def test_request_whose_link_vanished_meanwhile_is_a_conflict(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(world.store, "link", lambda *args: None)

    with pytest.raises(errors.Conflict) as exc:
        world.service.request(caller_of(world.alice), "bob")

    assert exc.value.code == "edit_conflict"


def test_list_shows_the_current_display_name_and_filters_by_state(world: World) -> None:
    carol = member("carol")
    world.members.add(carol)
    world.service.request(caller_of(world.alice), "bob")
    world.service.request(caller_of(carol), "alice")
    world.members.by_id[world.bob.id] = structs.replace(world.bob, display_name="Robert")

    every = world.service.list(caller_of(world.alice), None, 10, None)
    pending = world.service.list(caller_of(world.alice), "pending", 10, None)

    assert [(f.handle, f.display_name, f.state) for f in every.items] == [
        ("bob", "Robert", "requested"),
        ("carol", "Carol", "pending"),
    ]
    assert [f.handle for f in pending.items] == ["carol"]


def test_list_pages_through_the_links(world: World) -> None:
    world.members.add(member("carol"), member("dave"))
    for handle in ("bob", "carol", "dave"):
        world.service.request(caller_of(world.alice), handle)

    first = world.service.list(caller_of(world.alice), None, 2, None)
    second = world.service.list(caller_of(world.alice), None, 2, first.next_cursor)

    assert [f.handle for f in first.items] == ["bob", "carol"]
    assert first.next_cursor is not None
    assert [f.handle for f in second.items] == ["dave"]
    assert second.next_cursor is None


def test_list_shows_a_withdrawn_member_as_withdrawn_member(world: World) -> None:
    world.service.request(caller_of(world.alice), "bob")
    world.service.request(caller_of(world.bob), "alice")
    world.members.by_id[world.bob.id] = structs.replace(world.bob, status="withdrawn")

    [link] = world.service.list(caller_of(world.alice), None, 10, None).items

    assert link.display_name == WITHDRAWN_NAME


def test_list_shows_a_member_whose_record_is_gone_as_withdrawn_member(world: World) -> None:
    world.service.request(caller_of(world.alice), "bob")
    del world.members.by_id[world.bob.id]

    [link] = world.service.list(caller_of(world.alice), None, 10, None).items

    assert link.display_name == WITHDRAWN_NAME
