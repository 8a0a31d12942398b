"""The demo world that ``make run`` seeds on first start, so a new user sees something real."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.members.models import Caller, SignupRequest

if TYPE_CHECKING:
    from chalicelib.adapters.wiring import Services

DEMO_PASSWORD = "kizuna-demo-2026"
DEMO_MEMBERS = [("hanako", "山田花子"), ("taro", "佐藤太郎"), ("nintendo_fan", "DS好き")]


def seed(svc: Services, admin_handle: str = "admin") -> str:
    """Create the demo members once (invited by the admin); returns a one-line summary."""
    if svc.auth.members.get_by_handle(DEMO_MEMBERS[0][0]) is not None:
        return "demo world already present"
    admin = svc.members.public_profile(admin_handle)
    inviter = Caller(admin.id, admin.handle, "demo", tuple(admin.roles))
    for handle, name in DEMO_MEMBERS:
        invite = svc.invites.create(inviter, f"demo member {handle}")
        svc.auth.signup(
            SignupRequest(
                invite_code=invite.code,
                handle=handle,
                display_name=name,
                password=DEMO_PASSWORD,
                email=f"{handle}@example.com",
            )
        )
    return f"demo members {', '.join(h for h, _ in DEMO_MEMBERS)} created (password {DEMO_PASSWORD})"
