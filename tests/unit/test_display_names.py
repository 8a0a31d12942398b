"""Names that cannot impersonate (issue 9): the pure rules of display names and handles, and the
rules that need data (other members' handles, company names) over in-memory fakes."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from chalicelib import errors
from chalicelib.members.models import (
    RESERVED_HANDLES,
    DisplayName,
    ProfileUpdate,
    SignupRequest,
    is_reserved_handle,
    name_key,
)
from chalicelib.members.service import NamePolicy
from tests.unit.fakes import FakeMembers, member

DISPLAY_NAME: TypeAdapter[str] = TypeAdapter(DisplayName)


def refusal(name: str) -> str:
    """The error type pydantic gives for ``name`` (the test fails if the name passes)."""
    with pytest.raises(ValidationError) as caught:
        DISPLAY_NAME.validate_python(name)
    (error,) = caught.value.errors()
    return str(error["type"])


# --- names that pass ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "山田 太郎",
        "山田　太郎",  # an ideographic space inside
        "山田花子",
        "やまだ はなこ",
        "ヤマダ・タロウ",
        "ｶﾀｶﾅ",  # half-width katakana
        "DS好き",
        "ミクシィ太郎🎌",
        "🍜ラーメン部長🍜",
        "Ramen 🍜 Lover",
        "👍🏽",  # a skin tone modifier
        "👨\u200d👩\u200d👧\u200d👦",  # a family: a ZWJ sequence
        "🏳\ufe0f\u200d🌈",  # a rainbow flag: variation selector and ZWJ
        "🇯🇵",  # regional indicators
        "1\ufe0f\u20e3",  # a keycap
        "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",  # Scotland's flag (tags)
        "Zoë",
        "José Ñúñez",
        "Ли Сергей",
        "김민준",
        "محمد",  # right-to-left text itself is fine, only the controls are not
        "می\u200cخواهم",  # Persian with a zero-width non-joiner
        "क्षत्रिय",
        "O'Brien-Smith Jr.",
        "x",
        "Kizuna",  # a given name (絆)
        "Kizuna Sato",
        "a" * 50,
    ],
)
def test_ordinary_names_in_any_script_and_emoji_pass(name: str) -> None:
    assert DISPLAY_NAME.validate_python(name) == name


def test_surrounding_whitespace_is_trimmed_not_refused() -> None:
    assert DISPLAY_NAME.validate_python("  山田 太郎\u3000") == "山田 太郎"


# --- character rules ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "taro\x00",
        "ta\x07ro",
        "ta\nro",
        "ta\rro",
        "ta\tro",
        "ta\x1bro",  # ESC, the start of a terminal escape
        "ta\x7fro",  # DEL
        "ta\x85ro",  # C1: next line
        "ta\x9bro",  # C1: control sequence introducer
        "ta\u2028ro",  # line separator
        "ta\u2029ro",  # paragraph separator
    ],
)
def test_control_characters_are_refused(name: str) -> None:
    assert refusal(name) == "display_name_control"


@pytest.mark.parametrize("control", [chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]])
def test_bidirectional_overrides_and_isolates_are_refused(control: str) -> None:
    assert refusal(f"admin{control}nimda") == "display_name_bidi_control"
    assert refusal(f"{control}山田") == "display_name_bidi_control"


@pytest.mark.parametrize("mark", ["\u200e", "\u200f", "\u061c"])
def test_direction_marks_are_refused_too(mark: str) -> None:
    assert refusal(f"taro{mark}") == "display_name_bidi_control"


@pytest.mark.parametrize(
    "name",
    [
        "\u200b",
        "\u200b\u200c\u200d",
        "\u2060",
        "\ufeff",
        "\u200b \u200b",
        "\u3164",  # Hangul filler
        "\u3164\u3164",
        "\uffa0",  # half-width Hangul filler
        "\u115f\u1160",
        "\u2800",  # Braille blank
        "\u0301\u0301",  # combining marks alone
        "\ufe0f",
    ],
)
def test_names_with_nothing_visible_are_refused(name: str) -> None:
    assert refusal(name) == "display_name_blank"


@pytest.mark.parametrize("name", ["", " ", "\u3000", " \t "])
def test_empty_or_whitespace_names_are_refused(name: str) -> None:
    with pytest.raises(ValidationError):
        DISPLAY_NAME.validate_python(name)


@pytest.mark.parametrize(
    "name",
    [
        "ta\u200bro",  # zero-width space
        "ta\u2060ro",  # word joiner
        "ta\ufeffro",  # byte order mark
        "ta\u00adro",  # soft hyphen
        "ta\u180ero",  # Mongolian vowel separator
        "taro\U000e0061\U000e0064\U000e006d",  # tag characters outside a flag: hidden text
        "\U0001f3f4\U000e0067\U000e0062",  # a flag without its cancel tag
        "ta\ufff9ro",  # interlinear annotation anchor
    ],
)
def test_invisible_format_characters_inside_a_name_are_refused(name: str) -> None:
    assert refusal(name) == "display_name_invisible"


def test_a_name_longer_than_fifty_characters_is_refused() -> None:
    with pytest.raises(ValidationError):
        DISPLAY_NAME.validate_python("山" * 51)


def test_the_rules_hold_at_signup_and_profile_update_with_the_field_path() -> None:
    body = {
        "invite_code": "c",
        "handle": "hanako2",
        "display_name": "\u202eimda",
        "password": "a-long-passphrase",
        "email": "h@example.com",
    }
    with pytest.raises(ValidationError) as caught:
        SignupRequest.model_validate(body)
    assert [(e["loc"], e["type"]) for e in caught.value.errors()] == [(("display_name",), "display_name_bidi_control")]
    assert "direction" in caught.value.errors()[0]["msg"]
    with pytest.raises(ValidationError) as caught:
        ProfileUpdate.model_validate({"display_name": "a\x00b"})
    assert [e["loc"] for e in caught.value.errors()] == [("display_name",)]
    assert ProfileUpdate.model_validate({"display_name": "山田 太郎"}).display_name == "山田 太郎"
    assert ProfileUpdate.model_validate({"email": "a@example.com"}).display_name is None


# --- comparison form ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Hanako", "hanako"),
        ("ＨＡＮＡＫＯ", "hanako"),  # full-width
        ("  hanako ", "hanako"),
        ("ha\u200bnako", "hanako"),
        ("キズナゲームス  株式会社", "キズナゲームス 株式会社"),
        ("ｷｽﾞﾅｹﾞｰﾑｽ株式会社", "キズナゲームス株式会社"),  # half-width katakana
        ("STRASSE", "straße"),  # case folding, not only lower-casing
        ("㈱キズナ", "(株)キズナ"),
    ],
)
def test_name_key_compares_names_as_a_reader_sees_them(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


def test_name_key_keeps_different_names_apart() -> None:
    assert name_key("山田太郎") != name_key("山田花子")
    assert name_key("hanako") != name_key("hanako2")


# --- reserved handles -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "handle",
    ["admin", "ADMIN", "Administrator", "support", "Support", "official", "staff", "STAFF", "kizuna",
     "Kizuna", "kizuna_support", "KizunaOfficial", "kizuna123"],
)  # fmt: skip
def test_reserved_handles_are_recognised_case_insensitively(handle: str) -> None:
    assert is_reserved_handle(handle)


@pytest.mark.parametrize("handle", ["hanako", "admins_fan", "my_admin", "supporter", "staffroom", "kizun", "akizuna"])
def test_ordinary_handles_are_not_reserved(handle: str) -> None:
    assert not is_reserved_handle(handle)


def test_the_configured_admin_handle_is_reserved_too() -> None:
    assert is_reserved_handle("Boss_01", admin_handle="boss_01")
    assert not is_reserved_handle("boss_01")
    assert {"admin", "administrator", "support", "official", "staff"} <= RESERVED_HANDLES


# --- the rules that need data ---------------------------------------------------------------------


class FakeCompanyNames:
    def __init__(self, *names: str):
        self.keys = {name_key(n) for n in names}

    def is_company_name(self, name: str) -> bool:
        return name_key(name) in self.keys


@pytest.fixture
def hanako() -> FakeMembers:
    return FakeMembers().add(member("hanako"), member("taro"))


def policy(members: FakeMembers, admin_handle: str = "admin") -> NamePolicy:
    return NamePolicy(members, FakeCompanyNames("キズナゲームス株式会社", "Acme Corp"), admin_handle)


def refused(check: object, code: str, field: str) -> None:
    assert callable(check)
    with pytest.raises(errors.InvalidInput) as caught:
        check()
    assert caught.value.code == code
    assert [d["path"] for d in caught.value.details] == [field]
    assert caught.value.message.endswith("choose another.")


@pytest.mark.parametrize("handle", ["admin", "Support", "kizuna_help", "chief"])
def test_signup_handles_reserved_by_list_prefix_or_setting_are_refused(hanako: FakeMembers, handle: str) -> None:
    refused(lambda: policy(hanako, admin_handle="Chief").check_handle(handle), "handle_reserved", "handle")


@pytest.mark.parametrize("name", ["hanako", "Hanako", "ＨＡＮＡＫＯ", "@hanako", " TARO ", "ta\u200dro"])
def test_a_display_name_equal_to_another_members_handle_is_taken(hanako: FakeMembers, name: str) -> None:
    refused(lambda: policy(hanako).check_display_name(name, "jiro"), "display_name_taken", "display_name")


def test_a_display_name_equal_to_ones_own_handle_is_fine(hanako: FakeMembers) -> None:
    policy(hanako).check_display_name("Hanako", "hanako")
    policy(hanako).check_display_name("@taro", "TARO")


@pytest.mark.parametrize(
    "name",
    ["キズナゲームス株式会社", "ｷｽﾞﾅｹﾞｰﾑｽ株式会社", "acme  corp", "ACME CORP", "Admin", "ｓｕｐｐｏｒｔ", "@staff",
     "Official", "kizuna_support", "KizunaTeam", "boss"],
)  # fmt: skip
def test_company_names_and_reserved_words_are_reserved(hanako: FakeMembers, name: str) -> None:
    refused(
        lambda: policy(hanako, admin_handle="boss").check_display_name(name, "jiro"),
        "display_name_reserved",
        "display_name",
    )


@pytest.mark.parametrize(
    "name", ["山田 太郎", "ミクシィ太郎🎌", "Kizuna", "Kizuna Sato", "hanako2", "Acme", "キズナゲームス サポート"]
)
def test_other_display_names_pass_the_data_rules(hanako: FakeMembers, name: str) -> None:
    policy(hanako).check_display_name(name, "jiro")


def test_without_a_company_port_the_other_rules_still_hold(hanako: FakeMembers) -> None:
    bare = NamePolicy(hanako)
    bare.check_display_name("キズナゲームス株式会社", "jiro")
    refused(lambda: bare.check_display_name("Hanako", "jiro"), "display_name_taken", "display_name")
    refused(lambda: bare.check_handle("administrator"), "handle_reserved", "handle")
