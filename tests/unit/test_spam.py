"""The spam scorer: each signal fires on a clear example and stays silent on a legitimate one."""

from __future__ import annotations

import pytest

from chalicelib.moderation.spam import (
    RecentTexts,
    SpamConfig,
    SpamContext,
    links_in,
    mojibake_evidence,
    score,
    similarity,
    sketch_of,
)

MANUAL_POST = (
    "HB-200 firmware 2.3 is out\nThis release fixes the audio dropouts on busy trains and improves battery life. "
    "Update from the Hoshino Connect app."
)
HOST = ("hoshino-audio.jp",)


def names(text: str, **ctx: object) -> set[str]:
    return {s.name for s in score(text, SpamContext(**ctx)).signals}  # type: ignore[arg-type]


def weight(text: str, signal: str, **ctx: object) -> float:
    found = [s.weight for s in score(text, SpamContext(**ctx)).signals if s.name == signal]  # type: ignore[arg-type]
    assert found, f"{signal} did not fire"
    return found[0]


# --- outside links -----------------------------------------------------------------------------


def test_outside_links_are_counted_and_weigh_more_from_a_new_author():
    one_new = weight("see https://deals.example.com/a", "outside_links", author_age_days=0)
    one_old = weight("see https://deals.example.com/a", "outside_links", author_age_days=400)
    two_new = weight("see https://a.example.com and https://b.example.com", "outside_links", author_age_days=0)
    assert one_old < one_new < two_new


def test_links_to_the_companys_own_site_are_no_signal():
    text = "The manual at https://support.hoshino-audio.jp/manual/hb200.pdf page 12 fixed it."
    assert "outside_links" not in names(text, author_age_days=0, company_hosts=HOST)
    assert "outside_links" in names(text, author_age_days=0)


def test_links_are_found_without_a_scheme_and_in_japanese_text():
    assert links_in("詳しくはcheap-bags.xyz/saleへ、www.example.com も ttp://old.example.jp/x") == [
        "example.com",
        "old.example.jp",
        "cheap-bags.xyz",
    ]
    assert links_in("mail me at someone@example.com, version 2.3, e.g. this") == []


def test_known_shorteners_fire_and_a_mere_mention_does_not():
    assert "link_shortener" in names("fixed it: https://bit.ly/3kQz9Xa")
    assert "link_shortener" in names("fixed it: amzn.to/3AbCd")
    assert "link_shortener" not in names("someone posted a bit.ly link so I did not click it")
    assert "link_shortener" not in names("https://sakura-bikes.com/help/battery-care")


def test_blog_links_and_suspicious_hosts_fire():
    assert {"blog_link", "outside_links"} <= names("遊びに来てね http://ameblo.jp/yuki-diary/")
    assert "suspicious_tld" in names("http://cheap-jordans-outlet.xyz")
    assert not {"blog_link", "suspicious_tld"} & names("https://www.youtube.com/watch?v=abc")


def test_photo_and_video_links_weigh_less_than_other_links():
    photo = weight("the case looks like this: https://imgur.com/a/Xy12abc", "outside_links", author_age_days=0)
    other = weight("the case looks like this: https://deals.example.com/x", "outside_links", author_age_days=0)
    assert photo < other


def test_a_link_with_little_text_around_it_is_mostly_links_but_japanese_counts_its_density():
    assert "mostly_links" in names("see https://deals.example.com/x")
    assert "mostly_links" not in names("写真です（ケースの接点が錆びてる？） https://imgur.com/a/Xy12abc")


def test_a_clickable_host_borrowing_the_companys_name_is_a_lookalike():
    hosts = ("nami-pay.jp",)
    text = "アカウント停止のお知らせ。本人確認はこちら https://nami-pay-kakunin.com/login"
    assert "lookalike_host" in names(text, company_hosts=hosts)
    assert "lookalike_host" not in names("https://nami-pay.jp/help/passkey を見てください", company_hosts=hosts)
    # a customer naming a phishing domain to warn about it does not link to it
    warning = "I got an SMS with a link to nami-pay-secure.com, is that you? Looks like phishing."
    assert "lookalike_host" not in names(warning, company_hosts=hosts)


# --- near-duplicates ---------------------------------------------------------------------------


def test_near_duplicates_from_two_accounts_are_caught():
    recent = RecentTexts()
    first = "Thanks for the info! I found a guide that explains the whole thing step by step here: https://fix.example.com/a"
    second = "Thanks for this info!! I found a guide which explains the whole thing step-by-step here https://fix.example.com/b"
    r1 = score(first, SpamContext(author_id="a1", author_age_days=0, recent=recent))
    recent.add("a1", r1.sketch)
    r2 = score(second, SpamContext(author_id="a2", author_age_days=0, recent=recent))
    assert "duplicate_other_members" not in {s.name for s in r1.signals}
    assert "duplicate_other_members" in {s.name for s in r2.signals}
    assert r2.hold


def test_a_repeat_by_the_same_author_is_a_lighter_signal_than_a_copy_by_others():
    recent = RecentTexts()
    text = "Please hold both buttons for 15 seconds in the case, then pair again from the app settings."
    recent.add("staff", sketch_of(text))
    own = weight(text, "duplicate_own", author_id="staff", recent=recent)
    other = weight(text, "duplicate_other_members", author_id="someone", recent=recent)
    assert own < other


def test_many_customers_pasting_the_same_error_message_are_not_held_for_it():
    recent = RecentTexts()
    error = "Update failed: the accessory could not be verified (code 17). Please try again later."
    for i in range(6):
        recent.add(f"customer{i}", sketch_of(f"Same error here: '{error}'"))
    result = score(f"I get this too: '{error}'", SpamContext(author_id="me", author_age_days=0, recent=recent))
    assert "duplicate_other_members" in {s.name for s in result.signals}
    assert not result.hold


def test_short_replies_and_different_texts_are_never_duplicates():
    recent = RecentTexts()
    for i, text in enumerate(["同じ症状です", "+1", "ありがとうございます！", "Thanks for the quick reply."]):
        recent.add(f"m{i}", sketch_of(text))
    for text in ["同じ症状です", "+1", "ありがとうございます！", "Thanks for the quick reply."]:
        assert not {"duplicate_other_members", "duplicate_own"} & names(text, author_id="x", recent=recent)
    recent.add("m9", sketch_of("My battery stops charging at 80 percent since the app update to 4.1"))
    assert "duplicate_other_members" not in names(
        "Where is the charging port on the 2026 model? Mine came without a manual.", author_id="x", recent=recent
    )


def test_the_memory_is_bounded_and_forgets_the_oldest():
    recent = RecentTexts(capacity=3)
    text = "A long enough text about a broken rice cooker that shows E03 every single morning."
    recent.add("a", sketch_of(text))
    for i in range(3):
        recent.add("b", sketch_of(f"something else entirely, number {i} of a series of unrelated comments"))
    assert len(recent) == 3
    assert recent.similar(sketch_of(text), 0.6) == []


def test_similarity_estimate():
    a = sketch_of("I made $3,000 last week working from home with this simple method. Ask me how!")
    b = sketch_of("I made $2,900 last week working from home using this simple method. Ask me how!!")
    c = sketch_of("炊飯器のE03は内ぶたを付け直したら消えました。")
    assert similarity(a, b) > 0.6
    assert similarity(a, c) == 0.0
    assert similarity(a, a) == 1.0


# --- praise, bookmarks, self-promotion -----------------------------------------------------------


def test_generic_praise_with_no_overlap_with_the_post_fires():
    text = "I am extremely impressed with your writing skills and the layout of your blog. Is this a paid theme?"
    assert weight(text, "generic_praise", parent_text=MANUAL_POST) >= 1.0
    assert "generic_praise" in names("素晴らしい記事ですね！いつも楽しく拝見しています。", parent_text=MANUAL_POST)


def test_praise_that_answers_the_post_or_a_short_thanks_is_not_generic():
    on_topic = "Great update, the dropouts on the train are gone and battery life is better."
    assert "generic_praise" not in names(on_topic, parent_text=MANUAL_POST)
    assert names("ありがとうございます！", parent_text=MANUAL_POST) == set()
    assert score("Thanks, that fixed it.", SpamContext(parent_text=MANUAL_POST)).score < 0.5


def test_bookmark_and_share_lines_fire():
    assert "bookmark_share" in names("I will bookmark your site and share it with my Facebook group.")
    assert "bookmark_share" in names("ブックマークしました。シェアさせてくださいね")
    assert "bookmark_share" not in names("Where do I find the serial number on the case?")


def test_self_promotion_fires():
    assert "self_promotion" in names("よかったら私のブログにも遊びに来てください")
    assert "self_promotion" in names("Contact me on WhatsApp for a remote fix")
    assert "self_promotion" not in names("修理に出したら2週間かかると言われました。")


def test_lures_and_contact_elsewhere_fire():
    assert "lure" in names("I made $3,000 last week working from home. Ask me how!")
    assert "lure" in names("今なら登録するだけで5000円分のポイントがもらえます")
    assert "off_platform_contact" in names("he fixed it remotely, WhatsApp +44 7700 900123")
    assert "off_platform_contact" in names("contact sales@battery-factory.example.com for a quote")
    assert "off_platform_contact" not in names("I emailed support@hoshino-audio.jp yesterday", company_hosts=HOST)
    assert not {"lure", "off_platform_contact"} & names("身に覚えのない500円の決済がありました。確認してください。")


# --- writing fast ------------------------------------------------------------------------------


def test_a_new_member_writing_fast_fires_and_an_established_one_needs_more():
    assert "fast_new_member" in names("nice", author_age_days=0, recent_count=12)
    assert "fast_new_member" not in names("nice", author_age_days=0, recent_count=1)
    assert not {"fast_new_member", "fast_writer"} & names("nice", author_age_days=400, recent_count=12)
    assert "fast_writer" in names("nice", author_age_days=400, recent_count=30)


# --- mojibake ----------------------------------------------------------------------------------


def test_mojibake_utf8_read_as_cp1252_or_shift_jis_fires():
    sjis = "ブログを始めました。遊びに来てください".encode().decode("cp932", errors="replace")
    latin = "素敵な記事ですね".encode().decode("cp1252", errors="replace")
    assert mojibake_evidence("The receipt says RenÃ©e") is not None
    assert mojibake_evidence(latin) is not None
    assert mojibake_evidence(sjis) is not None
    assert "mojibake" in names("はじめまして！" + sjis)


def test_plain_text_with_accents_or_kanji_is_not_mojibake():
    for text in ["Renée bought a café crème", "Größe 42, naïve", "電源が入りません。繊維の縫い目が…", "Zürich"]:
        assert mojibake_evidence(text) is None, text


# --- keyword stuffing --------------------------------------------------------------------------


def test_seo_keyword_stuffing_fires_but_not_on_the_posts_own_topic():
    assert "seo_keywords" in names("cheap replica handbags outlet, free shipping")
    assert "seo_keywords" in names("スーパーコピー 激安 通販 財布")
    shoe_post = "Kaze running shoes now on sale with free shipping"
    assert "seo_keywords" not in names("Are these shoes on sale in the Shibuya store too?", parent_text=shoe_post)


# --- the verdict and its explanation --------------------------------------------------------------


def test_the_explanation_lists_each_signal_with_its_weight_and_they_sum_to_the_score():
    result = score(
        "Great post! I will bookmark your site. Cheap replica bags: https://bit.ly/3abc",
        SpamContext(author_age_days=0),
    )
    explained = result.explain()
    assert {e["name"] for e in explained} >= {"outside_links", "link_shortener", "bookmark_share", "generic_praise"}
    assert all(set(e) == {"name", "weight", "detail"} and e["detail"] for e in explained)
    assert result.score == pytest.approx(sum(s.weight for s in result.signals))
    assert [abs(e["weight"]) for e in explained] == sorted((abs(e["weight"]) for e in explained), reverse=True)
    assert result.hold


def test_the_verdict_follows_the_configured_threshold():
    text = "see https://deals.example.com/a"
    ctx = SpamContext(author_age_days=0)
    s = score(text, ctx).score
    assert score(text, ctx, SpamConfig(hold_at=s)).hold
    assert not score(text, ctx, SpamConfig(hold_at=s + 0.01)).hold
    assert score(text, ctx, SpamConfig(hold_at=s + 0.01)).threshold == pytest.approx(s + 0.01)


def test_the_config_is_read_from_the_environment():
    cfg = SpamConfig.from_environ({"KIZUNA_SPAM_HOLD_AT": "1.5", "KIZUNA_SPAM_MIN_SHINGLES": "30", "OTHER": "x"})
    assert cfg.hold_at == 1.5 and cfg.min_shingles == 30 and isinstance(cfg.min_shingles, int)
    assert cfg.link_weight == SpamConfig().link_weight
    with pytest.raises(ValueError, match="KIZUNA_SPAM_HOLD_AT"):
        SpamConfig.from_environ({"KIZUNA_SPAM_HOLD_AT": "high"})


# --- customers are not held ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "I joined today. My HB-200 left earbud has no sound since 2.3. "
        "The manual https://hoshino-audio.jp/manual/hb200.pdf page 12 says reset, I did, nothing. What now?",
        "昨日届いたばかりですが左耳が鳴りません。"
        "取説 https://hoshino-audio.jp/manual/hb200_ja.pdf の手順でも直りません。",
        "This is ridiculous. Third firmware this month and it's still broken. Fix it or refund me.",
        "ありがとうございます！",
        "+1",
        "同じ症状です",
        "Thank you so much, that worked!",
    ],
)
def test_a_new_customer_with_a_broken_product_is_not_held(text: str):
    result = score(
        text,
        SpamContext(author_id="new", author_age_days=0, recent_count=1, parent_text=MANUAL_POST, company_hosts=HOST),
    )
    assert not result.hold, result.explain()


def test_the_scorer_does_not_write_to_the_memory():
    recent = RecentTexts()
    score("A long enough comment to be sketched and compared with others.", SpamContext(recent=recent))
    assert len(recent) == 0
