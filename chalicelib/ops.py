"""Operator commands: ``python -m chalicelib.ops COMMAND``.

create-tables, create-admin HANDLE (password from stdin or ADMIN_PASSWORD), create-invite HANDLE,
ban HANDLE, seed-demo. They use the same configuration as the app, so they work against AWS too.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys

from chalicelib import errors
from chalicelib.adapters import tables
from chalicelib.adapters.wiring import services
from chalicelib.members.models import Caller


def create_tables(_: argparse.Namespace) -> int:
    services()  # binds the models to the configured tables
    created = tables.create_tables()
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
    member = svc.members.public_profile(args.handle)
    invite = svc.invites.create(Caller(member.id, member.handle, "ops", tuple(member.roles)), args.note)
    print(invite.code)
    return 0


def ban(args: argparse.Namespace) -> int:
    services().members.ban(args.handle)
    print(f"banned {args.handle}; their sessions are ended")
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
    p = sub.add_parser("ban", help="ban a member; their tokens stop working at once")
    p.add_argument("handle")
    p.set_defaults(fn=ban)
    p = sub.add_parser("seed-demo", help="create the demo world once (dev stage; password from DEMO_PASSWORD)")
    p.add_argument("--admin", default="admin", help="the admin who invites the demo members")
    p.set_defaults(fn=seed_demo)
    args = parser.parse_args(argv)
    try:
        return int(args.fn(args))
    except errors.DomainError as exc:
        print(f"error: {exc.message} ({exc.code})", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
