"""DynamoDB store of reports.

A report is a ``ReportItem``; while it is open, an ``OpenReportItem`` keyed by (target, reporter)
reserves the pair, so "one open report per reporter and target" is a conditional write, and
the open reports about one target are a Query. Admins list on ``by_status``, a community's
moderators on the sparse ``by_community_status`` (partition ``{community_id}#{status}``).
"""

from __future__ import annotations

from msgspec import structs
from pynamodb.exceptions import DoesNotExist

from chalicelib.adapters.dynamodb.base import Store, Transaction, set_or_remove
from chalicelib.adapters.dynamodb.tables import OpenReportItem, ReportItem
from chalicelib.moderation.models import Report, Resolution
from chalicelib.pagination import Slice


def _community_key(community_id: str, status: str) -> str:
    return f"{community_id}#{status}"


def _community_status(community_id: str | None, status: str) -> str | None:
    return _community_key(community_id, status) if community_id else None


def _report(item: ReportItem) -> Report:
    return Report(
        id=item.report_id,
        target_type=item.target_type,  # type: ignore[arg-type]
        target_id=item.target_id,
        target_key=item.target_key,
        accused_id=item.accused_id,
        reason=item.reason,
        reporter_id=item.reporter_id,
        reporter_handle=item.reporter_handle,
        community_id=item.community_id,
        status=item.status,  # type: ignore[arg-type]
        created_at=item.created_at,
        action=item.action,  # type: ignore[arg-type]
        note=item.note,
        resolved_by=item.resolved_by,
        resolved_by_handle=item.resolved_by_handle,
        resolved_at=item.resolved_at,
    )


class ReportStore(Store):
    """Reports, the open-report reservations and the moderation queues."""

    def create(self, report: Report) -> bool:
        """Store an open report; False when the reporter already has an open report on the target."""

        def write(tx: Transaction) -> None:
            tx.save(
                OpenReportItem(report.target_key, report.reporter_id, report_id=report.id, version=1),
                condition=OpenReportItem.reporter_id.does_not_exist(),
                label="reservation",
            )
            tx.save(
                ReportItem(
                    report.id,
                    target_type=report.target_type,
                    target_id=report.target_id,
                    target_key=report.target_key,
                    accused_id=report.accused_id,
                    reason=report.reason,
                    reporter_id=report.reporter_id,
                    reporter_handle=report.reporter_handle,
                    community_id=report.community_id,
                    status="open",
                    community_status=_community_status(report.community_id, "open"),
                    created_at=report.created_at,
                    version=1,
                ),
                condition=ReportItem.report_id.does_not_exist(),
                label="report",
            )

        return self.transact(write) is None

    def get(self, report_id: str) -> Report | None:
        """A report by id (consistent read)."""
        try:
            return _report(ReportItem.get(report_id, consistent_read=True))
        except DoesNotExist:
            return None

    def open_ids(self, target_key: str) -> list[str]:
        """The ids of the open reports about one target."""
        return [item.report_id for item in OpenReportItem.query(target_key, consistent_read=True)]

    def resolve(self, report: Report, resolution: Resolution) -> Report | None:
        """Mark an open report resolved and free its reservation; None if it was no longer open."""

        def write(tx: Transaction) -> None:
            tx.update(
                ReportItem(report.id),
                [
                    ReportItem.status.set("resolved"),
                    ReportItem.action.set(resolution.action),
                    ReportItem.resolved_by.set(resolution.resolved_by),
                    ReportItem.resolved_by_handle.set(resolution.resolved_by_handle),
                    ReportItem.resolved_at.set(resolution.resolved_at),
                    *set_or_remove(ReportItem.note, resolution.note),
                    *set_or_remove(ReportItem.community_status, _community_status(report.community_id, "resolved")),
                    ReportItem.version.add(1),
                ],
                condition=ReportItem.status == "open",
                label="open",
            )
            tx.delete(
                OpenReportItem(report.target_key, report.reporter_id),
                condition=OpenReportItem.report_id == report.id,
                label="reservation",
            )

        if self.transact(write) is not None:
            return None
        # The write set every field that changes, under status == "open": no need to read it back.
        return structs.replace(
            report,
            status="resolved",
            action=resolution.action,
            note=resolution.note,
            resolved_by=resolution.resolved_by,
            resolved_by_handle=resolution.resolved_by_handle,
            resolved_at=resolution.resolved_at,
        )

    def reopen(self, report: Report, resolution: Resolution) -> None:
        """Undo :meth:`resolve` when its action failed (only if nobody changed the report since)."""

        def write(tx: Transaction) -> None:
            tx.update(
                ReportItem(report.id),
                [
                    ReportItem.status.set("open"),
                    ReportItem.action.remove(),
                    ReportItem.note.remove(),
                    ReportItem.resolved_by.remove(),
                    ReportItem.resolved_by_handle.remove(),
                    ReportItem.resolved_at.remove(),
                    *set_or_remove(ReportItem.community_status, _community_status(report.community_id, "open")),
                    ReportItem.version.add(1),
                ],
                condition=(ReportItem.status == "resolved") & (ReportItem.resolved_at == resolution.resolved_at),
                label="resolved",
            )
            tx.save(
                OpenReportItem(report.target_key, report.reporter_id, report_id=report.id, version=1),
                condition=OpenReportItem.reporter_id.does_not_exist(),
                label="reservation",
            )

        self.transact(write)

    def by_status(self, status: str, limit: int, cursor: str | None) -> Slice[Report]:
        """Every report in ``status``, oldest first."""
        return self.page(f"reports:{status}", ReportItem.by_status.query, _report, cursor, limit, hash_key=status)

    def by_community(self, community_id: str, status: str, limit: int, cursor: str | None) -> Slice[Report]:
        """A community's reports in ``status``, oldest first."""
        key = _community_key(community_id, status)
        return self.page(
            f"reports:community:{key}", ReportItem.by_community_status.query, _report, cursor, limit, hash_key=key
        )
