"""Operator commands: ``python -m chalicelib.ops COMMAND``.

create-tables, create-admin HANDLE (password from stdin or ADMIN_PASSWORD), create-invite HANDLE,
ban HANDLE --reason R, lift-ended-bans, seed-demo, reindex [--recreate], check-index [--repair] (both read and write
the search index through its alias), check-analysis [--record] (the engine's analyzers against the tokens
the tests ran with). They use the same configuration as the app, so they work against AWS too.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys

from chalicelib import errors
from chalicelib.adapters.dynamodb import provisioning
from chalicelib.adapters.opensearch import SearchIndex
from chalicelib.bootstrap import search_index, services
from chalicelib.config import settings
from chalicelib.kernel import Caller, active_member
from chalicelib.search.analysis import ANALYSIS_SAMPLES
from chalicelib.search.documents import INDEXED_TABLES, Change, change_of_item
from chalicelib.search.sync import diff

#: Changes per bulk call of reindex (the adapter cuts each body under 10 MiB as well).
REINDEX_BATCH = 500


def create_tables(_: argparse.Namespace) -> int:
    services()  # binds the models to the configured tables
    created = provisioning.create_tables()
    print(f"created {len(created)} table(s): {', '.join(created) or 'none needed'}")
    return 0


def _password(handle: str) -> str:
    password = os.environ.get("ADMIN_PASSWORD")
    if password is None:
        if sys.stdin.isatty():
            import getpass

            password = getpass.getpass(f"Password for {handle}: ")
        else:
            password = sys.stdin.readline().rstrip("\n")
    return password


def create_admin(args: argparse.Namespace) -> int:
    svc = services()
    member, created = svc.auth.ensure_admin(args.handle, _password(args.handle), svc.settings.admin_invite_quota)
    print(f"admin {member.handle}: {'created' if created else 'already exists'}")
    return 0


def create_invite(args: argparse.Namespace) -> int:
    svc = services()
    member = active_member(svc.stores.members, args.handle)
    invite = svc.invites.issue(Caller.acting_as(member, "ops"), args.note)
    print(invite.code)
    return 0


def ban(args: argparse.Namespace) -> int:
    from chalicelib.moderation.bans import SYSTEM
    from chalicelib.moderation.models import BanRequest

    out = services().bans.ban(SYSTEM, args.handle, BanRequest(reason=args.reason, permanent=args.permanent))
    until = out.until.isoformat() if out.until else "for good"
    print(f"banned {out.handle} (ban {out.level}, until {until}); their sessions are ended")
    return 0


def lift_ended_bans(args: argparse.Namespace) -> int:
    lifted = services().bans.lift_ended()
    print(f"lifted {len(lifted)} ended ban(s){': ' + ', '.join(lifted) if lifted else ''}")
    return 0


def seed_demo(args: argparse.Namespace) -> int:
    from chalicelib.demo import seed

    svc = services()
    if svc.settings.stage != "dev":
        print("error: seed-demo only runs in the dev stage", file=sys.stderr)
        return 2
    password = os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(12)
    print(seed(svc, password, args.admin))
    return 0


def _table_changes(progress: bool) -> list[Change]:
    """The change that describes each item of the indexed tables, as they are now."""
    from tqdm import tqdm

    from chalicelib.adapters.scan import TableScan

    scan = TableScan(settings())
    try:
        changes = []
        for table, doc_type in INDEXED_TABLES.items():
            items = scan.items(table)
            bar = tqdm(
                items,
                total=scan.count(table) if progress else None,
                desc=f"read {table}",
                unit="item",
                disable=not progress,
            )
            changes += [change_of_item(doc_type, item) for item in bar]
        return changes
    finally:
        scan.close()


def _write(index: SearchIndex, changes: list[Change], quiet: bool) -> set[str]:
    """Apply ``changes`` in batches with a progress bar; the doc ids that failed."""
    from tqdm import tqdm

    failed: set[str] = set()
    with tqdm(total=len(changes), desc=f"index {index.name}", unit="doc", disable=quiet) as bar:
        for start in range(0, len(changes), REINDEX_BATCH):
            chunk = changes[start : start + REINDEX_BATCH]
            failed |= index.apply(chunk)
            bar.update(len(chunk))
    return failed


def reindex(args: argparse.Namespace) -> int:
    """Rebuild the search index from DynamoDB; documents of vanished items are deleted.

    Without ``--recreate`` the live index (behind the alias) is brought up to date in place. With
    it, a new index is built and filled while searches keep using the old one, the alias moves to
    it atomically, and a second read of the tables catches up what the stream wrote to the old
    index meanwhile (external versions make every write idempotent); the old index is deleted.
    """
    index = search_index(settings())
    failed: set[str] = set()
    if args.recreate:

        def fill(writer: SearchIndex) -> None:
            failed.update(_write(writer, _table_changes(progress=not args.quiet), args.quiet))

        target = index.rebuild(fill)
        changes = _table_changes(progress=False)
        failed |= _write(index, changes, quiet=True)
        where = f"{target} (now behind {index.name})"
    else:
        index.ensure()
        changes = _table_changes(progress=not args.quiet)
        failed |= _write(index, changes, args.quiet)
        where = index.name
    _, repairs = diff(changes, dict(index.versions()))
    extras = [c for c in repairs if c.is_delete]
    failed |= index.apply(extras)
    written = sum(1 for c in changes if c.document is not None)
    print(f"reindexed {written} document(s) into {where}; removed {len(extras)}; failed {len(failed)}")
    return 1 if failed else 0


def check_index(args: argparse.Namespace) -> int:
    """Compare DynamoDB and the search index by id and version; with --repair, fix the index."""
    index = search_index(settings())
    changes = _table_changes(progress=False)
    differences, repairs = diff(changes, dict(index.versions()))
    lines = differences.lines()
    for line in lines:
        print(line)
    if differences.clean:
        print(f"{index.name}: no differences")
        return 0
    if not args.repair:
        print(f"{index.name}: {len(lines)} difference(s); run with --repair to fix")
        return 1
    failed = index.apply(repairs)
    print(f"{index.name}: repaired {len(repairs) - len(failed)} of {len(repairs)}")
    return 1 if failed or differences.ahead else 0


def check_analysis(args: argparse.Namespace) -> int:
    """Compare how the engine analyses the sample texts with the tokens recorded from osmem-server.

    The chain is built from parts both engines have (chalicelib/search/analysis.py), but each has
    its own kuromoji: after a deploy this shows where Amazon OpenSearch Service cuts a text
    differently from the engine the tests and the relevance benchmark ran against.
    ``--record`` writes the current engine's tokens instead (after changing the chain).
    """
    index = search_index(settings())
    found = {
        analyzer: {text: " ".join(index.analyze(analyzer, text)) for text in texts}
        for analyzer, texts in ANALYSIS_SAMPLES.texts.items()
    }
    if args.record:
        ANALYSIS_SAMPLES.record(found)
        print(f"recorded {sum(map(len, found.values()))} analyses into {ANALYSIS_SAMPLES.path.name}")
        return 0
    expected = ANALYSIS_SAMPLES.tokens
    differences = [
        f"{analyzer} {text!r}:\n  recorded {expected.get(analyzer, {}).get(text)!r}\n  this engine {tokens!r}"
        for analyzer, by_text in found.items()
        for text, tokens in by_text.items()
        if tokens != expected.get(analyzer, {}).get(text)
    ]
    for line in differences:
        print(line)
    total = sum(map(len, found.values()))
    print(f"{index.name}: {total - len(differences)} of {total} sample analyses as recorded")
    return 1 if differences else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chalicelib.ops", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("create-tables", help="create the missing tables").set_defaults(fn=create_tables)
    p = sub.add_parser("create-admin", help="create an admin (password from stdin or ADMIN_PASSWORD)")
    p.add_argument("handle")
    p.set_defaults(fn=create_admin)
    p = sub.add_parser("create-invite", help="print a new invite code of a member")
    p.add_argument("handle")
    p.add_argument("--note")
    p.set_defaults(fn=create_invite)
    p = sub.add_parser("ban", help="ban a member (the next step of their ladder); their tokens stop at once")
    p.add_argument("handle")
    p.add_argument("--reason", required=True)
    p.add_argument("--permanent", action="store_true")
    p.set_defaults(fn=ban)
    p = sub.add_parser("lift-ended-bans", help="lift every time-limited ban that has ended (a login lifts its own)")
    p.set_defaults(fn=lift_ended_bans)
    p = sub.add_parser("seed-demo", help="create the demo world once (dev stage; password from DEMO_PASSWORD)")
    p.add_argument("--admin", default="admin", help="the admin who invites the demo members")
    p.set_defaults(fn=seed_demo)
    p = sub.add_parser("reindex", help="rebuild the search index from DynamoDB (with a progress bar)")
    p.add_argument(
        "--recreate", action="store_true", help="build a new index, then move the alias to it (zero downtime)"
    )
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.set_defaults(fn=reindex)
    p = sub.add_parser("check-index", help="compare DynamoDB and the search index by id and version")
    p.add_argument("--repair", action="store_true", help="write what is missing or stale, delete what is extra")
    p.set_defaults(fn=check_index)
    p = sub.add_parser("check-analysis", help="compare the engine's analyzers with the tokens the tests ran with")
    p.add_argument("--record", action="store_true", help="write this engine's tokens as the expected ones")
    p.set_defaults(fn=check_analysis)
    args = parser.parse_args(argv)
    try:
        return int(args.fn(args))
    except errors.DomainError as exc:
        print(f"error: {exc.message} ({exc.code})", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
