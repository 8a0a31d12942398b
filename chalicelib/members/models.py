"""Members, sessions and the site statistics: domain types and the shapes at the HTTP edge.

The member record itself (:class:`chalicelib.kernel.Member`) is in the kernel: every domain reads it.
"""

import re
import unicodedata
from datetime import datetime
from typing import Annotated, Literal

from msgspec import Struct
from pydantic import AfterValidator, Field, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from chalicelib.kernel import Member, Schema, Strict

HANDLE_PATTERN = r"^[A-Za-z0-9_]{3,20}$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"

#: Handles nobody signs up with, compared lower-cased: besides these, every handle starting with one
#: of :data:`RESERVED_HANDLE_PREFIXES` and the configured admin's handle (``ADMIN_HANDLE``,
#: ``Settings.admin_handle``). The operator still creates that admin (``ops create-admin``).
RESERVED_HANDLES = frozenset({"admin", "administrator", "support", "official", "staff"})
RESERVED_HANDLE_PREFIXES = ("kizuna",)


def is_reserved_handle(handle: str, admin_handle: str | None = None) -> bool:
    """Whether ``handle`` is kept from signups (case-insensitively): see :data:`RESERVED_HANDLES`."""
    h = handle.strip().lower()
    return h in RESERVED_HANDLES or h.startswith(RESERVED_HANDLE_PREFIXES) or h == (admin_handle or "").lower()


#: Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) and the
#: direction marks (LRM, RLM, ALM): they reorder how the rest of a page reads.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
#: Zero-width characters (U+200B-U+200D, U+2060, U+FEFF).
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")
#: Letters and symbols that draw nothing: Hangul fillers, the Braille blank, the Mongolian vowel separator.
BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800\u180e")
#: Format characters that ordinary text needs: the joiners inside emoji and Indic or Persian words.
ALLOWED_FORMAT = frozenset("\u200c\u200d")
#: A subdivision flag (England, Scotland, Wales): the black flag, tag letters or digits, the cancel tag.
_TAG_SEQUENCE = re.compile("\U0001f3f4[\U000e0030-\U000e0039\U000e0061-\U000e007a]{1,6}\U000e007f")
_INVISIBLE_CATEGORIES = ("Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Mn", "Me")


def _invalid(kind: str, message: str) -> PydanticCustomError:
    return PydanticCustomError(f"display_name_{kind}", message)


def check_display_name(name: str) -> str:
    """The character rules of a display name (already trimmed); the name itself when it passes.

    Refused: control characters (Unicode Cc: C0, DEL and C1, so line breaks and tabs too, and the
    line and paragraph separators); bidirectional controls (:data:`BIDI_CONTROLS`); a name with no
    visible character (only whitespace, zero-width characters, combining marks or
    :data:`BLANK_LOOKING` fillers); any other format character (Cf: zero-width spaces, soft
    hyphens, tags...) except the joiners of :data:`ALLOWED_FORMAT` and the tags inside a
    subdivision flag emoji; lone surrogates. Japanese, other scripts and emoji (with skin tones,
    ZWJ sequences, keycaps and flags) pass. Rules that need data (other members' handles, company
    names) are the service's (``chalicelib.members.service.NamePolicy``).
    """
    if any(unicodedata.category(ch) == "Cc" or ch in "\u2028\u2029" for ch in name):
        raise _invalid("control", "A display name cannot contain control characters such as line breaks or tabs.")
    if any(ch in BIDI_CONTROLS for ch in name):
        raise _invalid(
            "bidi_control", "A display name cannot contain characters that change the direction of the text."
        )
    if all(ch in ZERO_WIDTH or ch in BLANK_LOOKING or unicodedata.category(ch) in _INVISIBLE_CATEGORIES for ch in name):
        raise _invalid("blank", "A display name needs at least one visible character.")
    rest = _TAG_SEQUENCE.sub("", name)
    if any(unicodedata.category(ch) in ("Cf", "Cs") and ch not in ALLOWED_FORMAT for ch in rest):
        raise _invalid("invisible", "A display name cannot contain invisible characters such as zero-width spaces.")
    return name


def name_key(text: str) -> str:
    """The form in which names are compared: NFKC, without format characters (zero-width, bidi),
    whitespace runs as one space, trimmed and case-folded (``"Ｈａｎａｋｏ"`` -> ``"hanako"``).

    A display name is compared with handles and company names in this form, and a company's name
    is stored in it (``adapters/dynamodb/company_store.py``).
    """
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return unicodedata.normalize("NFKC", " ".join(text.split()).casefold())


Handle = Annotated[str, StringConstraints(pattern=HANDLE_PATTERN)]
DisplayName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50), AfterValidator(check_display_name)
]
Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=254, pattern=EMAIL_PATTERN)]
Password = Annotated[str, StringConstraints(min_length=8, max_length=128)]


class SiteTotals(Struct, frozen=True):
    """The site-wide counts behind ``GET /stats``."""

    members_cumulative: int
    members_active: int
    members_withdrawn: int
    communities: int
    posts: int


class SignupRequest(Strict):
    invite_code: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    handle: Handle
    display_name: DisplayName
    password: Password
    email: Email


class LoginRequest(Strict):
    handle: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    password: Annotated[str, StringConstraints(min_length=1, max_length=128)]


Bio = Annotated[str, StringConstraints(max_length=1000)]
Relation = Literal["self", "friends", "requested", "pending", "none"]


class ProfileUpdate(Strict):
    display_name: DisplayName | None = None
    email: Email | None = None
    bio: Bio | None = Field(default=None, description="About you, shown on your profile; empty clears it.")

    @model_validator(mode="after")
    def _something_to_change(self) -> "ProfileUpdate":
        if self.display_name is None and self.email is None and self.bio is None:
            raise ValueError("give display_name, email or bio")
        return self


class MemberSelf(Schema):
    """The caller's own profile."""

    id: str
    handle: str
    display_name: str
    email: str
    roles: list[str]
    invites_left: int
    invited_by: str | None = Field(description="Handle of the member who sent the invite; null for the first admin.")
    created_at: datetime
    bio: str = ""

    @classmethod
    def of(cls, m: Member) -> "MemberSelf":
        return cls(
            bio=m.bio,
            id=m.id,
            handle=m.handle,
            display_name=m.display_name,
            email=m.email,
            roles=m.roles,
            invites_left=m.invites_left,
            invited_by=m.invited_by,
            created_at=m.created_at,
        )


class MemberPublic(Schema):
    """What any member may see of another."""

    handle: str
    display_name: str
    joined_at: datetime
    bio: str = ""
    relation: Relation = Field(
        default="none",
        description="You and them: self; friends; requested (you asked them); pending (they asked you); none.",
    )

    @classmethod
    def of(cls, m: Member, relation: Relation = "none") -> "MemberPublic":
        return cls(handle=m.handle, display_name=m.display_name, joined_at=m.created_at, bio=m.bio, relation=relation)


class PasswordChange(Strict):
    current_password: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    new_password: Password


class SignupResponse(Schema):
    member: MemberSelf
    token: str


class TokenResponse(Schema):
    token: str
    expires_at: datetime


class MemberCounts(Schema):
    cumulative: int = Field(description="Every signup ever, withdrawals included (as mixi reported).")
    active: int
    withdrawn: int


class Stats(Schema):
    members: MemberCounts
    communities: int
    posts: int

    @classmethod
    def of(cls, t: SiteTotals) -> "Stats":
        return cls(
            members=MemberCounts(
                cumulative=t.members_cumulative, active=t.members_active, withdrawn=t.members_withdrawn
            ),
            communities=t.communities,
            posts=t.posts,
        )
