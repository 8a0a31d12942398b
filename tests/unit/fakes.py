"""In-memory fakes of the ports the services share, for service unit tests (no DynamoDB, no OpenSearch).

Each domain's test module adds the few fakes of its own ports next to its tests; what several
domains need (members, a clock, callers) is here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from chalicelib.kernel import Caller, Member, new_id
from chalicelib.posts.models import SpamSubject, SpamVerdict

T0 = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@dataclass
class FakeClock:
    """A clock that moves only when told."""

    now: datetime = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def member(handle: str, *, status: str = "active", roles: Iterable[str] = ("member",), **fields: object) -> Member:
    """A member record as a store would return it."""
    values: dict[str, object] = {
        "id": new_id(),
        "handle": handle.lower(),
        "display_name": handle.title(),
        "email": f"{handle}@example.com",
        "password_hash": "not-a-hash",
        "roles": list(roles),
        "invites_left": 5,
        "invited_by": None,
        "status": status,
        "created_at": T0,
        "version": 1,
    }
    values.update(fields)
    return Member(**values)  # type: ignore[arg-type]


def caller_of(m: Member) -> Caller:
    return Caller.acting_as(m, "test-session")


@dataclass
class FakeMembers:
    """The kernel's MemberDirectory over a dict."""

    by_id: dict[str, Member] = field(default_factory=dict)

    def add(self, *members: Member) -> FakeMembers:
        for m in members:
            self.by_id[m.id] = m
        return self

    def get(self, member_id: str) -> Member | None:
        return self.by_id.get(member_id)

    def get_by_handle(self, handle: str) -> Member | None:
        return next((m for m in self.by_id.values() if m.handle == handle.lower()), None)

    def get_many(self, member_ids: Iterable[str]) -> dict[str, Member]:
        return {i: self.by_id[i] for i in member_ids if i in self.by_id}


@dataclass
class FakeSpamCheck:
    """The posts' SpamCheck: holds any text containing ``spam_word``; keeps what it was asked."""

    spam_word: str = "SPAM"
    subjects: list[SpamSubject] = field(default_factory=list)

    def check(self, subject: SpamSubject) -> SpamVerdict:
        self.subjects.append(subject)
        held = self.spam_word in subject.text
        signals = [{"name": "fake", "weight": 2.0, "detail": self.spam_word}] if held else []
        return SpamVerdict(held=held, score=2.0 if held else 0.0, threshold=1.0, signals=signals)
