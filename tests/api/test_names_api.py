"""Names that cannot impersonate (issue 9), through the API: reserved handles at signup, display
names that copy another member's handle, a verified company's name or hide bidi controls, at
signup and at ``PATCH /me``. Every refusal is a 400 with a detail at its field."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from content_helpers import create_company

from chalicelib import errors
from chalicelib.members.service import NamePolicy
from tests.conftest import ADMIN_PASSWORD, unique_handle


def signup(api: Any, code: str, handle: str | None = None, display_name: str = "山田 太郎") -> Any:
    handle = handle or unique_handle("n")
    body = {
        "invite_code": code,
        "handle": handle,
        "display_name": display_name,
        "password": "a-long-unusual-passphrase",
        "email": f"{handle.lower()}@example.com",
    }
    return api.call("POST", "/auth/signup", body)


def refused_at(res: Any, field: str, code: str, kind: str | None = None) -> dict[str, Any]:
    """A 400 ``code`` with one detail at ``field`` of type ``kind`` (a service's refusal: the code)."""
    assert res.status_code == 400, res.body
    error = res.json_body["error"]
    assert error["code"] == code, error
    assert [(d["path"], d["type"]) for d in error["details"]] == [(field, kind or code)], error
    assert error["message"] and error["details"][0]["message"]
    return dict(error)


@pytest.fixture
def company_name(api, admin) -> str:
    return str(create_company(api, admin, name=f"名前テスト{uuid.uuid4().hex[:8]}株式会社")["name"])


# --- signup ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "handle", ["admin", "Administrator", "SUPPORT", "official", "Staff", "kizuna", "kizuna_support", "KizunaTeam"]
)
def test_signup_with_a_reserved_handle_is_refused_and_the_invite_stays_usable(api, invite, handle):
    error = refused_at(signup(api, invite, handle), "handle", "handle_reserved")
    assert "reserved" in error["message"]
    assert signup(api, invite).status_code == 201  # the invite was not used up


def test_signup_with_a_display_name_equal_to_another_members_handle_is_refused(api, invite, new_member):
    other = new_member()
    for name in (other.handle, other.handle.upper(), f"@{other.handle}"):
        refused_at(signup(api, invite, display_name=name), "display_name", "display_name_taken")


def test_signup_with_a_verified_companys_name_is_refused(api, invite, company_name):
    refused_at(signup(api, invite, display_name=company_name), "display_name", "display_name_reserved")
    hex_part = company_name.removeprefix("名前テスト").removesuffix("株式会社")
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in hex_part.upper())  # ＡＢ１２ for ab12
    look_alike = f" 名前テスト{full_width}株式会社 "
    refused_at(signup(api, invite, display_name=look_alike), "display_name", "display_name_reserved")


@pytest.mark.parametrize("name", ["\u202eimda", "山田\u2066太郎", "taro\u2069"])
def test_signup_with_a_bidi_override_or_isolate_is_refused(api, invite, name):
    error = refused_at(
        signup(api, invite, display_name=name), "display_name", "invalid_request", "display_name_bidi_control"
    )
    assert name not in str(error)  # the input is not echoed back


@pytest.mark.parametrize(
    ("name", "kind"),
    [("ta\x00ro", "control"), ("ta\nro", "control"), ("\u200b\u200b", "blank"), ("\u3164", "blank")],
)
def test_signup_with_control_or_invisible_characters_is_refused(api, invite, name, kind):
    refused_at(signup(api, invite, display_name=name), "display_name", "invalid_request", f"display_name_{kind}")


def test_signup_with_a_reserved_word_as_display_name_is_refused(api, invite):
    refused_at(signup(api, invite, display_name="Support"), "display_name", "display_name_reserved")


@pytest.mark.parametrize("name", ["山田 太郎", "ミクシィ太郎🎌", "👨\u200d👩\u200d👧 家族", "Kizuna Sato"])
def test_signup_with_a_legitimate_display_name_passes(api, invite, name):
    res = signup(api, invite, display_name=name)
    assert res.status_code == 201, res.body
    assert res.json_body["member"]["display_name"] == name


def test_a_display_name_equal_to_ones_own_new_handle_passes(api, invite):
    handle = unique_handle("own")
    res = signup(api, invite, handle, display_name=handle.upper())
    assert res.status_code == 201, res.body


# --- PATCH /me ---------------------------------------------------------------------------------------


def test_patch_me_to_another_members_handle_is_refused(api, new_member):
    m, other = new_member(), new_member()
    res = api.call("PATCH", "/me", {"display_name": other.handle}, token=m.token)
    refused_at(res, "display_name", "display_name_taken")
    assert api.call("GET", "/me", token=m.token).json_body["display_name"] == "テスト会員"


def test_patch_me_to_ones_own_handle_passes(api, new_member):
    m = new_member()
    res = api.call("PATCH", "/me", {"display_name": f"@{m.handle}"}, token=m.token)
    assert res.status_code == 200, res.body


def test_patch_me_to_a_companys_name_or_a_reserved_word_is_refused(api, new_member, company_name):
    m = new_member()
    for name in (company_name, "ADMIN", "ｓｔａｆｆ"):
        res = api.call("PATCH", "/me", {"display_name": name, "email": "changed@example.com"}, token=m.token)
        refused_at(res, "display_name", "display_name_reserved")
    me = api.call("GET", "/me", token=m.token).json_body
    assert me["display_name"] == "テスト会員" and me["email"] != "changed@example.com"  # nothing was written


def test_patch_me_with_a_bidi_override_is_refused(api, new_member):
    m = new_member()
    res = api.call("PATCH", "/me", {"display_name": "\u202dhanako"}, token=m.token)
    refused_at(res, "display_name", "invalid_request", "display_name_bidi_control")


def test_patch_me_to_a_legitimate_japanese_name_passes(api, new_member):
    m = new_member()
    res = api.call("PATCH", "/me", {"display_name": "山田 太郎"}, token=m.token)
    assert res.status_code == 200, res.body
    assert res.json_body["display_name"] == "山田 太郎"
    assert api.call("GET", f"/members/{m.handle}", token=m.token).json_body["display_name"] == "山田 太郎"


def test_patch_me_with_only_an_email_skips_the_name_rules(api, new_member):
    m = new_member()
    res = api.call("PATCH", "/me", {"email": f"{m.handle}@example.org"}, token=m.token)
    assert res.status_code == 200, res.body


# --- the operator --------------------------------------------------------------------------------


def test_the_operator_still_creates_the_configured_admin(api, invite, services):
    assert services.settings.admin_handle == "admin"  # ADMIN_HANDLE unset: the default
    handle = unique_handle("boss")  # as if ADMIN_HANDLE named it: no signup may take it ...
    names = NamePolicy(services.stores.members, services.stores.companies, handle)
    with pytest.raises(errors.InvalidInput) as refused:
        names.check_handle(handle.upper())
    assert refused.value.code == "handle_reserved"
    # ... but the operator's ensure_admin creates it, and the admin logs in
    member, created = services.auth.ensure_admin(handle, ADMIN_PASSWORD, 10)
    assert created and member.handle == handle and "admin" in member.roles
    login = api.call("POST", "/auth/login", {"handle": handle, "password": ADMIN_PASSWORD})
    assert login.status_code == 200, login.body
