"""The analysis chain's pure half: width and case folding, the English stems, the index settings."""

from __future__ import annotations

import unicodedata

import pytest

from chalicelib.search.analysis import (
    ANALYSIS,
    INDEX_SETTINGS,
    PART_MAX,
    TEXT_FIELD,
    WIDTH_RULES,
    has_cjk,
    is_katakana,
    normalize,
    stem,
    stem_text,
    stems,
)
from chalicelib.search.documents import INDEX_BODY, community_document, post_document


def _unescape(text: str) -> str:
    return text.encode("ascii").decode("unicode_escape")


@pytest.mark.parametrize(
    "group",
    [
        ("customer", "customers"),
        ("camera", "cameras"),
        ("blog", "blogs", "blogging", "blogged"),
        ("update", "updates", "updated", "updating"),
        ("company", "companies"),
        ("battery", "batteries"),
        ("ship", "ships", "shipped", "shipping"),
        ("use", "uses", "used", "using"),
        ("make", "makes", "making"),
        ("purchase", "purchases", "purchased"),
        ("box", "boxes"),
        ("try", "tries", "tried"),
    ],
)
def test_plural_singular_ing_and_ed_forms_share_a_stem(group):
    assert len({stem(w) for w in group}) == 1, [stem(w) for w in group]


@pytest.mark.parametrize("a, b", [("customer", "custom"), ("news", "new"), ("note", "not"), ("hope", "hop")])
def test_different_words_keep_different_stems(a, b):
    assert stem(a) != stem(b)


def test_full_width_half_width_and_case_do_not_matter():
    assert normalize("ＣＵＳＴＯＭＥＲＳ ｶﾒﾗ ｶﾞｲﾄﾞ") == "customers カメラ ガイド"
    assert stems("Ｃｕｓｔｏｍｅｒｓ のBlogging、CAMERAS!") == ["customer", "blog", "camera"]
    assert stem_text("iPhone 15 cases") == stem_text("ｉＰｈｏｎｅ 15 case") == "iphon 15 case"


def test_words_are_told_apart_by_script():
    assert has_cjk("京都") and has_cjk("ｶﾒﾗ") and has_cjk("DS版")
    assert not has_cjk("customers") and not has_cjk("ＰＳ５")
    assert is_katakana("コミュニティ") and is_katakana("ｺﾐｭﾆﾃｨ")
    assert not is_katakana("京都") and not is_katakana("iPhoneケース")


def test_the_width_rules_are_the_nfkc_of_what_they_map():
    for rule in WIDTH_RULES:
        source, target = (_unescape(side) for side in rule.split("=>"))
        assert unicodedata.normalize("NFKC", source) == target or (source, target) == ("\u3000", " ")
    sources = [_unescape(r.split("=>")[0]) for r in WIDTH_RULES]
    assert "ｶﾞ" in sources and "Ａ" in sources and "ｰ" in sources
    # the voiced pair comes before its base kana, so the longest match wins
    assert sources.index("ｶﾞ") < sources.index("ｶ")


def test_the_index_uses_the_chain_and_documents_carry_their_stems():
    assert INDEX_BODY["settings"]["analysis"] == ANALYSIS
    assert INDEX_BODY["settings"]["max_ngram_diff"] == PART_MAX - 1 == INDEX_SETTINGS["max_ngram_diff"]
    props = INDEX_BODY["mappings"]["properties"]
    assert props["title"] == props["body"] == TEXT_FIELD
    assert props["title_stems"]["analyzer"] == "whitespace"
    assert ANALYSIS["tokenizer"]["ja_search"]["mode"] == "search"
    doc = post_document({"post_id": "p1", "title": "Customers の声", "body": "Blogging about cameras"})
    assert (doc["title_stems"], doc["body_stems"]) == ("customer", "blog about camera")
    community = community_document({"community_id": "c1", "name": "Camera Club", "description": ""})
    assert (community["title_stems"], community["body_stems"]) == ("camera club", "")
