"""Table vs index: what differs, and the changes that repair it. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from msgspec import Struct, field

from chalicelib.search.documents import Change


class IndexDiff(Struct):
    """Documents missing from the index, older than their item, extra (item gone) or ahead of it."""

    missing: list[str] = field(default_factory=list)
    stale: list[tuple[str, int, int]] = field(default_factory=list)
    extra: list[tuple[str, int]] = field(default_factory=list)
    ahead: list[tuple[str, int, int]] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.missing or self.stale or self.extra or self.ahead)

    def lines(self) -> list[str]:
        """One line per difference, for the operator."""
        out = [f"missing  {d}" for d in self.missing]
        out += [f"stale    {d}  index v{have} < table v{want}" for d, have, want in self.stale]
        out += [f"extra    {d}  index v{have}, not in the table" for d, have in self.extra]
        out += [f"ahead    {d}  index v{have} > table v{want}" for d, have, want in self.ahead]
        return out


def diff(expected: Iterable[Change], indexed: Mapping[str, int]) -> tuple[IndexDiff, list[Change]]:
    """Compare the changes that describe the table (writes only) with the index's ids and versions.

    Returns the differences and the changes that repair them (deletes of extras go just
    above the version the index holds).
    """
    result = IndexDiff()
    repairs: list[Change] = []
    seen: set[str] = set()
    for change in expected:
        if change.is_delete:
            continue
        seen.add(change.doc_id)
        have = indexed.get(change.doc_id)
        if have is None:
            result.missing.append(change.doc_id)
            repairs.append(change)
        elif have < change.version:
            result.stale.append((change.doc_id, have, change.version))
            repairs.append(change)
        elif have > change.version:
            result.ahead.append((change.doc_id, have, change.version))
    for doc_id in sorted(set(indexed) - seen):
        result.extra.append((doc_id, indexed[doc_id]))
        repairs.append(Change(doc_id, indexed[doc_id] + 1))
    return result, repairs
