"""Use cases of membership: signup by invite, login, sessions, profile, withdrawal, statistics."""

from __future__ import annotations

import re
from datetime import datetime

from chalicelib import errors
from chalicelib.kernel import (
    NO_METRICS,
    Caller,
    Clock,
    Member,
    MemberDirectory,
    Metrics,
    active_member,
    new_id,
    secret_token,
    utcnow,
)
from chalicelib.members import credentials
from chalicelib.members.models import (
    HANDLE_PATTERN,
    RESERVED_HANDLES,
    LoginRequest,
    MemberPublic,
    MemberSelf,
    PasswordChange,
    ProfileUpdate,
    Relation,
    SignupRequest,
    SignupResponse,
    Stats,
    TokenResponse,
    is_reserved_handle,
    name_key,
)
from chalicelib.members.ports import (
    NO_BAN_EXPIRY,
    BanExpiry,
    CompanyNames,
    FriendLinks,
    InviteLookup,
    LoginAttempts,
    MemberStore,
    SessionStore,
    Tokens,
)

#: The source address of a login that came without one (an operator's command, a test).
UNKNOWN_ADDRESS = "unknown"
#: Wrong current passwords are counted as failed logins of the handle from this pseudo-address.
PASSWORD_CHANGE_SOURCE = "password-change"


def _refused(field: str, code: str, message: str) -> errors.InvalidInput:
    """A 400 with its own code and one detail at the field, shaped like a validation error."""
    return errors.InvalidInput(message, code=code, details=[{"path": field, "message": message, "type": code}])


class NamePolicy:
    """The rules of names that need data or settings; the character rules are ``DisplayName``'s.

    * ``handle_reserved`` (400 at ``handle``): a signup's handle is one of
      ``models.RESERVED_HANDLES``, starts with ``kizuna`` or is the configured admin's
      (``Settings.admin_handle``). The operator's ``ensure_admin`` does not ask.
    * ``display_name_reserved`` (400 at ``display_name``): the display name is a verified
      company's name, a reserved handle word, the admin's handle or a handle-shaped ``kizuna…``
      (plain "Kizuna", a given name, passes).
    * ``display_name_taken`` (400 at ``display_name``): the display name is someone else's handle
      (a leading ``@`` ignored). A 400 rather than a 409 like ``handle_taken``: no one holds a
      display name, so this is not a clash with a resource's state that a retry could outlive; the
      value is refused as impersonation, and the client shows it at the field the detail names,
      as for any other invalid value.

    Names are compared in :func:`members.models.name_key` form (NFKC, format characters dropped,
    whitespace collapsed, trimmed, case-folded). Look-alikes from other scripts (Cyrillic "а" for
    Latin "a") are not caught.
    """

    def __init__(self, members: MemberDirectory, companies: CompanyNames | None = None, admin_handle: str = "admin"):
        self.members = members
        self.companies = companies
        self.admin_handle = admin_handle.lower()

    def check_handle(self, handle: str) -> None:
        """Refuse a reserved handle for a signup."""
        if is_reserved_handle(handle, self.admin_handle):
            raise _refused("handle", "handle_reserved", "This handle is reserved for Kizuna itself; choose another.")

    def check_display_name(self, display_name: str, own_handle: str) -> None:
        """Refuse a display name that impersonates someone else, a company or Kizuna itself."""
        as_handle = name_key(display_name).removeprefix("@").strip()
        if as_handle == own_handle.lower():
            return  # one's own handle is one's own name
        handle_shaped = re.fullmatch(HANDLE_PATTERN, as_handle) is not None
        if (
            as_handle in RESERVED_HANDLES
            or as_handle == self.admin_handle
            or (handle_shaped and as_handle.startswith("kizuna") and as_handle != "kizuna")
            or (self.companies is not None and self.companies.is_company_name(display_name))
        ):
            raise _refused(
                "display_name",
                "display_name_reserved",
                "This display name is reserved for Kizuna or a verified company; choose another.",
            )
        if handle_shaped and self.members.get_by_handle(as_handle) is not None:
            raise _refused(
                "display_name", "display_name_taken", "This display name is another member's handle; choose another."
            )


class AuthService:
    """Signup, login, logout and the per-request token check."""

    def __init__(
        self,
        members: MemberStore,
        sessions: SessionStore,
        invites: InviteLookup,
        tokens: Tokens,
        invite_quota: int,
        attempts: LoginAttempts,
        clock: Clock = utcnow,
        metrics: Metrics = NO_METRICS,
        *,
        names: NamePolicy | None = None,
        bans: BanExpiry = NO_BAN_EXPIRY,
    ):
        self.bans = bans
        self.metrics = metrics
        self.members = members
        self.sessions = sessions
        self.invites = invites
        self.tokens = tokens
        self.invite_quota = invite_quota
        self.attempts = attempts
        self.clock = clock
        self.names = names or NamePolicy(members)

    def signup(self, req: SignupRequest) -> SignupResponse:
        """Join with an invite: the invite is used, the inviter and invitee become friends."""
        now = self.clock()
        self.names.check_handle(req.handle)
        invite = self.invites.get(req.invite_code)
        if invite is None or invite.status_at(now) in ("revoked", "expired"):
            raise errors.Forbidden("This invite is unknown, expired or revoked.", code="invite_invalid")
        if invite.status == "used":
            raise errors.Conflict("This invite has already been used.", code="invite_used")
        credentials.check_password_policy(req.password, req.handle)
        # After the invite: only an invited person learns whether a name is someone's handle.
        self.names.check_display_name(req.display_name, req.handle)
        member = Member(
            id=new_id(),
            handle=req.handle.lower(),
            display_name=req.display_name,
            email=req.email,
            password_hash=credentials.hash_password(req.password),
            roles=["member"],
            invites_left=self.invite_quota,
            invited_by=invite.inviter_handle,
            status="active",
            created_at=now,
            version=1,
        )
        self.members.signup(member, invite, now)
        self.metrics.record("Signups")
        token, _ = self._start_session(member.id)
        return SignupResponse(member=MemberSelf.of(member), token=token)

    def ensure_admin(self, handle: str, password: str, invite_quota: int) -> tuple[Member, bool]:
        """The admin ``handle``, created if missing (True when created); an existing member is promoted."""
        if not re.fullmatch(HANDLE_PATTERN, handle):
            # The same rule as a signup: every route that takes a handle must be able to reach it.
            raise errors.InvalidInput("A handle is 3 to 20 letters, digits or underscores.", code="invalid_handle")
        existing = self.members.get_by_handle(handle)
        if existing is not None:
            if "admin" not in existing.roles:
                existing = self.members.update_profile(existing, {"roles": [*existing.roles, "admin"]})
            return existing, False
        credentials.check_password_policy(password, handle)
        member = Member(
            id=new_id(),
            handle=handle.lower(),
            display_name=handle,
            email=f"{handle.lower()}@admin.invalid",
            password_hash=credentials.hash_password(password),
            roles=["member", "admin"],
            invites_left=invite_quota,
            invited_by=None,
            status="active",
            created_at=self.clock(),
            version=1,
        )
        self.members.create(member)
        return member, True

    def login(self, req: LoginRequest, *, source_ip: str = UNKNOWN_ADDRESS) -> TokenResponse:
        """A new session for the right handle and password; one answer for every failure.

        After too many failures the handle is locked from that source address for the rest of the
        window, known handles and unknown ones alike, so the lock reveals nothing either; an
        address with too many failures over all handles is locked too. A lock never reaches
        another address: guessing at a handle cannot lock its member out.
        """
        now = self.clock()
        # Counted as a failure before the password is checked: parallel guesses cannot outrun the lock.
        wait_s = self.attempts.begin(req.handle, source_ip, now)
        if wait_s:
            raise errors.RateLimited("Too many failed logins; try again later.", retry_after_s=wait_s)
        member = self.members.get_by_handle(req.handle)
        ok = credentials.verify_password(member.password_hash if member else None, req.password)
        if ok and member is not None and member.status == "banned":
            # A time-limited ban that has ended is lifted on the member's first login after it.
            member = self.bans.lift_if_ended(member) or member
        if not ok or member is None or not member.active:
            raise errors.Unauthenticated("The handle or password is wrong.", code="invalid_credentials")
        self.attempts.succeeded(req.handle, source_ip)
        token, expires_at = self._start_session(member.id)
        return TokenResponse(token=token, expires_at=expires_at)

    def _start_session(self, member_id: str) -> tuple[str, datetime]:
        session_id = secret_token()
        token, expires_at = self.tokens.issue(member_id, session_id, self.clock())
        self.sessions.create(session_id, member_id, expires_at)
        return token, expires_at

    def change_password(self, caller: Caller, req: PasswordChange) -> None:
        """A new password, given the current one; wrong guesses count like failed logins.

        Every other session of the member ends: their tokens stop at once, the caller's goes on.
        """
        now = self.clock()
        wait_s = self.attempts.begin(caller.handle, PASSWORD_CHANGE_SOURCE, now)
        if wait_s:
            raise errors.RateLimited("Too many wrong passwords; try again later.", retry_after_s=wait_s)
        member = self.members.get(caller.member_id)
        if member is None or not credentials.verify_password(member.password_hash, req.current_password):
            raise errors.InvalidInput(
                "The current password is wrong.",
                code="invalid_credentials",
                details=[{"path": "current_password", "message": "wrong password", "type": "invalid_credentials"}],
            )
        self.attempts.succeeded(caller.handle, PASSWORD_CHANGE_SOURCE)
        try:
            credentials.check_password_policy(req.new_password, member.handle)
        except errors.InvalidInput as exc:
            exc.details = [{**d, "path": "new_password"} for d in exc.details]
            raise
        if not self.members.set_password(member, credentials.hash_password(req.new_password)):
            raise errors.Conflict("The profile changed meanwhile; retry.", code="edit_conflict")
        # Whoever else held a session (a stolen token, a forgotten browser) is out; this one stays.
        self.sessions.delete_all(member.id, keep=caller.session_id)

    def logout(self, caller: Caller) -> None:
        """End the caller's session: the token stops working at once."""
        self.sessions.delete(caller.session_id)

    def authenticate(self, token: str) -> Caller:
        """The caller of a valid token whose session is live and whose member is active."""
        claims = self.tokens.verify(token)
        session_id, member_id = claims["sid"], claims["sub"]
        if not (isinstance(session_id, str) and isinstance(member_id, str) and session_id and member_id):
            raise errors.Unauthenticated("The token is invalid or expired.", code="token_invalid")
        member = self.sessions.live_member(session_id, member_id, self.clock())
        if member is None or not member.active:
            raise errors.Unauthenticated("The session has ended; log in again.", code="session_ended")
        return Caller.acting_as(member, session_id)


class MemberService:
    """Profiles and withdrawal (bans are moderation's: ``chalicelib.moderation.bans``)."""

    def __init__(
        self, members: MemberStore, sessions: SessionStore, friends: FriendLinks, *, names: NamePolicy | None = None
    ):
        self.members = members
        self.sessions = sessions
        self.friends = friends
        self.names = names or NamePolicy(members)

    def _me(self, caller: Caller) -> Member:
        # The one authentication read serves; without it (a caller made by ops), read afresh.
        member = caller.member or self.members.get(caller.member_id)
        if member is None:
            raise errors.Unauthenticated("The session has ended; log in again.", code="session_ended")
        return member

    def me(self, caller: Caller) -> MemberSelf:
        """The caller's own profile."""
        return MemberSelf.of(self._me(caller))

    def update_me(self, caller: Caller, req: ProfileUpdate) -> MemberSelf:
        """Change the caller's display name or email (a display name under :class:`NamePolicy`)."""
        changes = req.model_dump(exclude_none=True)
        me = self._me(caller)
        if req.display_name is not None:
            self.names.check_display_name(req.display_name, me.handle)
        return MemberSelf.of(self.members.update_profile(me, changes))

    def public_profile(self, caller: Caller, handle: str) -> MemberPublic:
        """Any active member by handle, with how the caller stands to them; withdrawn, banned and unknown are 404."""
        member = active_member(self.members, handle)
        if member.id == caller.member_id:
            return MemberPublic.of(member, "self")
        state = self.friends.state(caller.member_id, member.id)
        relation: Relation = state if state in ("friends", "requested", "pending") else "none"  # type: ignore[assignment]
        return MemberPublic.of(member, relation)

    def withdraw(self, caller: Caller) -> None:
        """Leave the network: login and tokens stop, content stays as 'withdrawn member'."""
        self._end(caller.member_id, "withdrawn")

    def _end(self, member_id: str, status: str) -> None:
        self.members.end_membership(member_id, status)
        self.sessions.delete_all(member_id)
        self.friends.unlink_all(member_id)

    def stats(self) -> Stats:
        """Member, community and post counts."""
        return Stats.of(self.members.totals())
