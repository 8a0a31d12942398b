"""The search request: document-level AND, visibility in the query, ranking, snippets, paging (pure)."""

from __future__ import annotations

from typing import Any

from chalicelib.search.query import (
    POST,
    PRE,
    already_shown,
    mark,
    query_marks,
    search_body,
    snippet,
    terms,
    title_highlight,
    word_match,
)


def _bool(body: dict[str, Any]) -> dict[str, Any]:
    return body["query"]["function_score"]["query"]["bool"]  # type: ignore[no-any-return]


def test_each_word_must_match_in_the_title_or_the_body():
    must = _bool(search_body("旅行記\u3000紅葉 autumn", "all", "me", [], 10))["must"]
    assert must == [word_match("旅行記"), word_match("紅葉"), word_match("autumn")]


def test_a_japanese_word_is_a_phrase_of_its_morphemes_whole_or_inside_longer_ones():
    should = word_match("京都")["bool"]["should"]
    assert [(m["multi_match"]["type"], m["multi_match"]["fields"]) for m in should[:2]] == [
        ("phrase", ["title^2", "body"]),
        ("phrase", ["title.part^2", "body.part"]),
    ]
    assert [next(iter(m["term"])) for m in should[2:]] == ["title.part", "body.part"]  # whole, inside one morpheme
    assert word_match("京都")["bool"]["minimum_should_match"] == 1
    katakana = [next(iter(m["term"])) for m in word_match("ｽﾏﾎ")["bool"]["should"][2:]]
    assert katakana == ["title.part", "body.part", "title.script", "body.script"]
    assert word_match("ｽﾏﾎ")["bool"]["should"][-1]["term"]["body.script"]["value"] == "スマホ"
    assert word_match("DS版")["bool"]["should"][0]["multi_match"]["type"] == "phrase"  # any kana or kanji


def test_a_latin_word_matches_as_written_or_by_its_english_stem():
    exact, stemmed = word_match("Customers")["bool"]["should"]
    assert exact["multi_match"] == {"query": "Customers", "fields": ["title^2", "body"], "operator": "and"}
    assert stemmed["multi_match"]["query"] == "customer"
    assert stemmed["multi_match"]["fields"] == ["title_stems^2", "body_stems"]
    assert word_match("ＢＬＯＧＧＩＮＧ")["bool"]["should"][1]["multi_match"]["query"] == "blog"
    assert len(word_match("++")["bool"]["should"]) == 1  # nothing to stem


def test_the_query_is_capped_at_eight_words():
    assert len(terms(" ".join(f"w{i}" for i in range(20)))) == 8


def test_visibility_is_a_filter_of_the_query():
    filters = _bool(search_body("x", "posts", "me", ["f2", "f1"], 10))["filter"]
    assert filters[0] == {"terms": {"type": ["post"]}}
    readable = filters[1]["bool"]["should"]
    assert {"term": {"visibility": "members"}} in readable
    assert {"term": {"author_id": "me"}} in readable
    friends_only = {"bool": {"filter": [{"term": {"visibility": "friends"}}, {"terms": {"author_id": ["f1", "f2"]}}]}}
    assert friends_only in readable
    assert len(readable) == 3  # private posts: only the author clause lets them through


def test_without_friends_there_is_no_friends_clause():
    readable = _bool(search_body("x", "all", "me", [], 10))["filter"][1]["bool"]["should"]
    assert len(readable) == 2


def test_posts_use_their_boost_and_communities_their_member_count():
    functions = search_body("x", "all", "me", [], 10)["query"]["function_score"]["functions"]
    by_type = {f["filter"]["term"]["type"]: f["field_value_factor"] for f in functions}
    assert by_type["post"]["field"] == "rank_boost"
    assert by_type["community"] == {"field": "member_count", "modifier": "log2p", "missing": 0}


def test_snippets_escape_everything_but_the_marks():
    hit = {"highlight": {"body": [f'<script>x</script> & {PRE}ブログ{POST} "q"']}, "_source": {}}
    assert snippet(hit) == "&lt;script&gt;x&lt;/script&gt; &amp; <mark>ブログ</mark> &quot;q&quot;"
    assert mark("<b>") == "&lt;b&gt;"


def test_touching_hits_are_one_mark():
    assert mark(f"{PRE}東京{POST}{PRE}都{POST}の{PRE}話{POST}") == "<mark>東京都</mark>の<mark>話</mark>"


def test_a_title_only_hit_shows_the_escaped_start_of_the_body():
    hit = {"_source": {"body": "<i>" + "あ" * 200}}
    text = snippet(hit)
    assert text.startswith("&lt;i&gt;") and text.endswith("…") and "<" not in text


def test_word_forms_found_by_their_stem_are_marked_where_the_engine_marked_nothing():
    wanted = query_marks("Camera blogs")
    hit = {
        "_source": {"title": "Cameras & blogging", "body": "x"},
        "highlight": {"body": [f"my {PRE}camera{POST} blog, ｃａｍｅｒａｓ too"]},
    }
    assert title_highlight(hit, marks=wanted) == "<mark>Cameras</mark> &amp; <mark>blogging</mark>"
    # the engine's own mark stays one mark; full-width letters are the same word
    assert snippet(hit, wanted) == "my <mark>camera</mark> <mark>blog</mark>, <mark>ｃａｍｅｒａｓ</mark> too"
    assert title_highlight({"_source": {"title": "Cameraman"}}, marks=wanted) == "Cameraman"


def test_a_body_matched_only_by_a_stem_shows_the_excerpt_around_it():
    body = "あ" * 300 + " customers " + "い" * 300
    text = snippet({"_source": {"body": body}}, query_marks("customer"))
    assert text.startswith("…") and text.endswith("…") and "<mark>customers</mark>" in text
    assert len(text.replace("<mark>", "").replace("</mark>", "")) <= 122


def test_japanese_words_are_highlighted_where_their_subfield_matched():
    fields = search_body("ゲーム", "all", "me", [], 10)["highlight"]["fields"]
    assert list(fields) == ["title", "title.part", "title.script", "body"]
    assert list(search_body("games", "all", "me", [], 10)["highlight"]["fields"]) == ["title", "body"]
    hit = {
        "_source": {"title": "キズナゲームスの新作", "body": ""},
        "highlight": {"title.part": [f"{PRE}キズナゲームス{POST}の新作"]},
    }
    assert title_highlight(hit) == "<mark>キズナゲームス</mark>の新作"


def test_a_japanese_word_inside_a_longer_one_is_marked_in_the_body_here():
    marks = query_marks("ゲーム zq1")
    hit = {"_source": {"body": "ｷｽﾞﾅゲームスが発表 zq1"}, "highlight": {"body": [f"ｷｽﾞﾅゲームスが発表 {PRE}zq1{POST}"]}}
    assert snippet(hit, marks) == "ｷｽﾞﾅ<mark>ゲーム</mark>スが発表 <mark>zq1</mark>"
    # half-width forms are found as their full-width word
    assert "<mark>ｹﾞｰﾑ</mark>" in snippet({"_source": {"body": "あ" * 200 + "ｹﾞｰﾑ"}}, marks)
    # where the engine marked the word as a morpheme, the same letters inside another word stay unmarked
    kyoto = {"_source": {"body": "京都と東京都"}, "highlight": {"body": [f"{PRE}京都{POST}と東京都"]}}
    assert snippet(kyoto, query_marks("京都")) == "<mark>京都</mark>と東京都"


def test_the_next_page_starts_at_the_last_score_and_skips_what_was_shown():
    body = search_body("x", "all", "me", [], 10, after=(0.5, "post-b"))
    assert body["search_after"][0] >= 0.5 and body["search_after"][1] == ""
    assert body["sort"] == [{"_score": "desc"}, {"doc_id": "asc"}]
    after = (0.5, "post-b")
    assert already_shown({"sort": [0.5, "post-a"]}, after)
    assert already_shown({"sort": [0.5, "post-b"]}, after)
    assert not already_shown({"sort": [0.5, "post-c"]}, after)
    assert not already_shown({"sort": [0.4, "post-a"]}, after)
    assert not already_shown({"sort": [0.5, "post-a"]}, None)


def test_the_marks_of_a_field_and_its_subfields_are_merged():
    hit = {
        "_source": {"title": "キズナゲームスの新作 zq1"},
        "highlight": {
            "title": [f"キズナゲームスの新作 {PRE}zq1{POST}"],
            "title.part": [f"{PRE}キズナゲームス{POST}の新作 zq1"],
        },
    }
    assert title_highlight(hit) == "<mark>キズナゲームス</mark>の新作 <mark>zq1</mark>"


def _spans_by_loop(text: str, word: str) -> list[range]:
    """The reference: fold one character (or half-width kana with its voiced mark) at a time."""
    from chalicelib.search.analysis import normalize

    flat, source, i = "", [], 0
    while i < len(text):
        n = 2 if i + 1 < len(text) and text[i + 1] in "\uff9e\uff9f" else 1
        piece = normalize(text[i : i + n])
        flat += piece
        source += [range(i, i + n)] * len(piece)
        i += n
    spans, at = [], flat.find(word)
    while at >= 0:
        spans.append(range(source[at].start, source[at + len(word) - 1].stop))
        at = flat.find(word, at + len(word))
    return spans


def test_word_spans_fold_like_one_character_at_a_time() -> None:
    import random

    from chalicelib.search.query import _word_spans

    alphabet = [*"ラーメン渋谷東京都ＡＢＣabcＡｂ！？（）　 ｶﾞｲﾄﾞ㍿ﬁé", "e\u0301"]
    rng = random.Random(7)
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        for word in ("ラーメン", "abc", "ガイド", "!", "株式会社", "fi", "渋谷"):
            assert _word_spans(text, word) == _spans_by_loop(text, word), (text, word)
