"""The explainable spam scorer: a post's or comment's text and its context in, a score and its reasons out.

Pure: no I/O, no clock, standard library only (the Lambda bundle stays small). The score is the
sum of the weights of the signals that fired; an item is held when the score reaches
``SpamConfig.hold_at``. Every signal that fired is returned with its weight and a short detail,
so a held item can say why it was held.

The caller supplies what only it knows (``SpamContext``): the author's account age, how many
items the author wrote in the last few minutes, the text being answered, the company's own
website host(s) (links there are a manual or a support page, never a signal) and a
``RecentTexts``, the bounded memory of recent texts (as shingle sketches) that near-duplicate
detection compares against. The scorer only reads that memory; the caller adds the new item's
sketch after scoring it (``recent.add(author_id, result.sketch)``), whatever the verdict.

Signals (weights are ``SpamConfig`` fields):

* ``outside_links``: links to hosts other than the company's, counted (diminishing) and multiplied
  by how new the author is (a photo or video host counts half: customers show the problem);
  ``link_shortener`` (bit.ly, t.co, amzn.to, ...), ``blog_link`` (ameblo, FC2, blogspot, ...),
  ``suspicious_tld`` (.xyz, .top, ...), ``lookalike_host`` (a clickable host borrowing the company's
  name, e.g. ``nami-pay-kakunin.com`` beside ``nami-pay.jp``) and ``mostly_links`` on top;
* ``duplicate_other_members`` / ``duplicate_own``: near-duplicate (bottom-k MinHash over character
  4-grams, estimated Jaccard >= ``near_duplicate_jaccard``) of a recent text by other members or by
  the author; short texts ("+1", "同じ症状です") are never compared;
* ``generic_praise``: flattery ("great post", "your writing skills", 素晴らしい記事, ...) and words about
  the page rather than the product (blog, theme, layout, 記事, ブログ) with (almost) no content word in
  common with the text it answers; ``bookmark_share`` ("I will bookmark your site", ブックマークしました);
  ``self_promotion`` ("visit my site", 私のブログにも遊びに来て); ``lure`` (money, prizes, "ask me how",
  登録するだけで, 本人確認); ``off_platform_contact`` (an e-mail address not at the company, a phone
  number, WhatsApp / Telegram / LINE);
* ``fast_new_member``: a new member writing many items in a few minutes (``fast_writer``: anyone, a higher bar);
* ``mojibake``: text that decodes as another encoding (UTF-8 or Shift_JIS read as cp1252/Latin-1)
  or carries the telltale characters of UTF-8 read as Shift_JIS (縺, 繧, 繝, 縲, U+FFFD);
* ``seo_keywords``: distinct stuffing words (replica, cheap, luggage, 激安, スーパーコピー, ...), two of
  them, or one beside an outside link, that the answered text does not itself contain (a luggage
  maker's community talks about luggage).

Only heavy flattery, heavy keyword stuffing and three or more outside links from a day-old account
reach the default threshold on their own: a customer who is new, angry, fast, quoting garbled text or
pasting the same error message as others is not held for that alone.

Where a deployment sets the thresholds: ``SpamConfig.from_environ`` reads ``KIZUNA_SPAM_<FIELD>``
variables (e.g. ``KIZUNA_SPAM_HOLD_AT=1.2``); the composition root builds the config once from the
process environment and the infrastructure template sets the variables per stage.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections import Counter, deque
from collections.abc import Iterable, Mapping
from functools import cached_property, lru_cache
from itertools import chain, islice
from typing import Any, cast

from msgspec import Struct
from msgspec.structs import fields, replace

# ----------------------------------------------------------------------------------------------
# configuration


class SpamConfig(Struct, frozen=True):
    """Thresholds and weights. Defaults were tuned on the ``train`` split of ``bench/data/spam_labelled.jsonl``."""

    #: An item whose score reaches this is held for review.
    hold_at: float = 1.0

    # links to outside sites: weight of the first link, each further one adds ``link_extra`` of it
    link_weight: float = 0.3
    link_extra: float = 0.5
    link_cap: int = 5
    #: multipliers of the link weight by the author's account age (days)
    link_new_day: float = 2.0  # under 1 day
    link_new_week: float = 1.6  # under 7 days
    link_new_month: float = 1.0  # under 30 days
    link_established: float = 0.6  # 30 days and more
    shortener_weight: float = 0.45
    blog_link_weight: float = 0.4
    suspicious_tld_weight: float = 0.4
    mostly_links_weight: float = 0.4
    #: less text than this besides the links (a CJK character counts 2) makes an item "mostly links"
    mostly_links_chars: int = 20
    #: links to photo and video hosts (a customer showing the problem) weigh this share of a link
    media_link_factor: float = 0.5
    #: a clickable link to a host that borrows the company's name but is not the company's
    lookalike_host_weight: float = 0.5
    #: an e-mail address, phone number or messenger account to take the conversation elsewhere
    off_platform_weight: float = 0.5
    #: money, prizes, account "verification": per distinct lure phrase, and the cap
    lure_weight: float = 0.35
    lure_cap: float = 0.7

    # near-duplicates
    near_duplicate_jaccard: float = 0.6
    #: texts with fewer distinct 4-grams than this are never compared ("+1", "同じ症状です")
    min_shingles: int = 24
    duplicate_other_weight: float = 0.6
    duplicate_other_extra: float = 0.2  # per further distinct author
    duplicate_other_cap: float = 0.8  # below hold_at: many customers paste the same error message
    duplicate_own_weight: float = 0.3

    # generic praise, bookmark/share lines, self-promotion
    praise_strong_weight: float = 0.45
    praise_strong_extra: float = 0.25
    praise_weak_weight: float = 0.15
    praise_cap: float = 1.4
    #: praise counts only when at most this share of the text's content words occur in the parent
    praise_max_overlap: float = 0.2
    #: each distinct word about "the blog / the site / the article" beside praise
    praise_page_word_weight: float = 0.15
    bookmark_weight: float = 0.6
    self_promotion_weight: float = 0.4
    self_promotion_cap: float = 0.8

    # a new member writing fast (``recent_count``: items by the author in the caller's window)
    new_member_days: float = 7.0
    fast_new_after: int = 6
    fast_new_weight: float = 0.3
    fast_new_step: float = 0.05
    fast_new_cap: float = 0.8
    fast_established_after: int = 15
    fast_established_weight: float = 0.3

    # mojibake
    mojibake_weight: float = 0.6
    #: telltale garbage characters needed (縺 繧 繝 縲 U+FFFD), and their least share of the CJK characters
    mojibake_min_telltales: int = 3
    mojibake_min_share: float = 0.08

    # SEO keyword stuffing: distinct stuffing words needed (one is enough beside an outside link), weight per word, cap
    seo_min_keywords: int = 2
    seo_weight: float = 0.25
    seo_cap: float = 1.0

    @classmethod
    def from_environ(cls, environ: Mapping[str, str], prefix: str = "KIZUNA_SPAM_") -> SpamConfig:
        """The defaults, with every field overridden by ``<prefix><FIELD>`` when set (e.g. ``KIZUNA_SPAM_HOLD_AT``)."""
        changes: dict[str, Any] = {}
        for f in fields(cls):
            raw = environ.get(prefix + f.name.upper())
            if raw is None or not raw.strip():
                continue
            try:
                changes[f.name] = int(raw) if f.type in ("int", int) else float(raw)
            except ValueError as exc:
                raise ValueError(f"{prefix}{f.name.upper()}={raw!r} is not a number") from exc
        return replace(cls(), **changes)


DEFAULT_CONFIG = SpamConfig()

# ----------------------------------------------------------------------------------------------
# near-duplicate memory

SKETCH_SIZE = 48
SHINGLE = 4


class Sketch(Struct, frozen=True):
    """A bottom-k MinHash of a text's character 4-grams: the ``SKETCH_SIZE`` smallest CRC32s, and the 4-gram count.

    Serialisable as two plain values (``sorted(hashes)``, ``shingles``) if a caller keeps recent sketches in a
    table instead of in process memory.
    """

    hashes: frozenset[int]
    shingles: int


def sketch_of(text: str) -> Sketch:
    """The sketch of ``text`` (normalised: NFKC, lower case, links reduced to their host, digits to 0)."""
    norm = _dup_normal(text)
    grams = {norm[i : i + SHINGLE] for i in range(max(0, len(norm) - SHINGLE + 1))}
    hashed = sorted({zlib.crc32(g.encode("utf-8")) for g in grams})
    return Sketch(frozenset(hashed[:SKETCH_SIZE]), len(grams))


def similarity(a: Sketch, b: Sketch) -> float:
    """Estimated Jaccard similarity of the two texts' 4-gram sets (exact when both are short).

    Bottom-k estimate: of the k smallest hashes of the union, the share that is in both sketches.
    """
    if not a.hashes or not b.hashes:
        return 0.0
    union = a.hashes | b.hashes
    both = a.hashes & b.hashes
    if len(union) <= SKETCH_SIZE:
        return len(both) / len(union)
    kth = sorted(union)[SKETCH_SIZE - 1]
    return sum(1 for h in both if h <= kth) / SKETCH_SIZE


class _Entry(Struct):
    serial: int
    author_id: str
    sketch: Sketch


#: Of a hash shared by many remembered texts (a common 4-gram, or a running campaign), the newest this many.
BUCKET_SCAN = 32


class RecentTexts:
    """The caller's bounded memory of recent texts (the last ``capacity``), indexed by sketch hash.

    Keep one per community or per process; ``add`` every scored item (held or not), so a campaign's
    second copy is caught even when the first was not. A lookup reads at most ``BUCKET_SCAN`` of the
    newest entries per hash, so its cost does not grow with the capacity.
    """

    def __init__(self, capacity: int = 2000) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self._entries: deque[_Entry] = deque()
        self._by_hash: dict[int, dict[int, None]] = {}  # insertion-ordered: newest last
        self._by_serial: dict[int, _Entry] = {}
        self._serial = 0

    def __len__(self) -> int:
        return len(self._entries)

    def add(self, author_id: str, sketch: Sketch) -> None:
        if not sketch.hashes:
            return
        self._serial += 1
        entry = _Entry(self._serial, author_id, sketch)
        self._entries.append(entry)
        self._by_serial[entry.serial] = entry
        for h in sketch.hashes:
            self._by_hash.setdefault(h, {})[entry.serial] = None
        while len(self._entries) > self.capacity:
            old = self._entries.popleft()
            del self._by_serial[old.serial]
            for h in old.sketch.hashes:
                bucket = self._by_hash.get(h)
                if bucket is not None:
                    bucket.pop(old.serial, None)
                    if not bucket:
                        del self._by_hash[h]

    def similar(self, sketch: Sketch, threshold: float) -> list[tuple[str, float]]:
        """``(author_id, similarity)`` of each remembered text at least ``threshold`` similar, most similar first."""
        buckets = [b for b in map(self._by_hash.get, sketch.hashes) if b]
        shared = Counter(
            chain.from_iterable(islice(reversed(b), BUCKET_SCAN) if len(b) > BUCKET_SCAN else b for b in buckets)
        )
        # A pair at Jaccard j shares about j * k of the k smallest hashes of the union; half of that is a safe floor.
        floor = max(1, int(threshold * min(SKETCH_SIZE, len(sketch.hashes)) * 0.5))
        found = []
        for serial, count in shared.items():
            if count < floor:
                continue
            entry = self._by_serial[serial]
            sim = similarity(sketch, entry.sketch)
            if sim >= threshold:
                found.append((entry.author_id, sim))
        found.sort(key=lambda pair: -pair[1])
        return found


# ----------------------------------------------------------------------------------------------
# input and output


class SpamContext(Struct, frozen=True):
    """What the caller knows about an item besides its text.

    ``author_age_days``: the account's age; ``recent_count``: items the author wrote in the caller's
    window (a few minutes), not counting this one; ``parent_text``: the post a comment answers (title
    and body), None for a post; ``company_hosts``: the company's own website host(s) in an official
    community (subdomains included); ``recent``: the near-duplicate memory, None to skip that signal.
    """

    author_id: str = ""
    author_age_days: float = 365.0
    recent_count: int = 0
    parent_text: str | None = None
    company_hosts: tuple[str, ...] = ()
    recent: RecentTexts | None = None


class Signal(Struct, frozen=True):
    name: str
    weight: float
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "weight": round(self.weight, 3), "detail": self.detail}


class SpamScore(Struct, frozen=True):
    score: float
    hold: bool
    threshold: float
    signals: tuple[Signal, ...]
    sketch: Sketch

    def explain(self) -> list[dict[str, Any]]:
        """The signals that fired, heaviest first, as JSON-ready dicts (what a review queue shows)."""
        return [s.as_dict() for s in sorted(self.signals, key=lambda s: -abs(s.weight))]


# ----------------------------------------------------------------------------------------------
# lexicons

SHORTENERS = frozenset(
    {
        "bit.ly", "bitly.com", "t.co", "tinyurl.com", "goo.gl", "ow.ly", "is.gd", "buff.ly", "amzn.to", "amzn.asia",
        "rebrand.ly", "cutt.ly", "shorturl.at", "tiny.cc", "rb.gy", "x.gd", "v.gd", "s.id", "lnkd.in", "t.ly",
        "bl.ink", "soo.gd", "clck.ru", "qr.net", "tr.ee", "urx.red", "00m.in", "ux.nu", "po.st", "dlvr.it", "ift.tt",
        "j.mp", "wp.me", "fb.me", "shorte.st", "adf.ly", "linktr.ee", "lit.link",
    }
)  # fmt: skip
BLOG_HOSTS = frozenset(
    {
        "ameblo.jp", "ameba.jp", "blogspot.com", "fc2.com", "livedoor.blog", "livedoor.jp", "hatenablog.com",
        "hatenablog.jp", "hateblo.jp", "seesaa.net", "jugem.jp", "exblog.jp", "wordpress.com", "tumblr.com",
        "muragon.com", "goo.ne.jp", "blog.jp", "blogger.com", "weebly.com", "wixsite.com", "rakuten.co.jp",
    }
)  # fmt: skip
SUSPICIOUS_TLDS = frozenset(
    {"xyz", "top", "shop", "club", "online", "site", "icu", "buzz", "biz", "win", "loan", "work", "click", "store",
     "vip", "cyou", "rest", "bond", "cfd", "sbs", "monster", "pw", "tk", "ml", "ga", "cf", "gq", "ru", "su"}
)  # fmt: skip

# Praise that talks about "the blog / the writing / the site": what a customer never says to a company.
PRAISE_STRONG = (
    "great post", "nice post", "awesome post", "great article", "nice article", "great read", "nice read",
    "great blog", "nice blog", "awesome blog", "wonderful blog", "your blog", "this blog", "your site", "this site is",
    "your website", "this website", "your writing", "writing skills", "writing style", "well written", "paid theme",
    "this theme", "your theme", "modify it yourself", "blog post", "blogger", "blogging", "weblog", "your post",
    "this post is", "this article", "your article", "your content", "quality content", "such a nice", "such a great",
    "very informative", "really informative", "informative post", "extremely impressed", "impressed with your",
    "surfing", "browsing online", "i stumbled", "stumbled upon", "stumbleupon", "came across your", "came across this",
    "keep up the", "keep it up", "keep writing", "thank you for this wonderful", "thanks for this wonderful",
    "many thanks for this", "excellent post", "excellent article", "excellent blog", "wonderful post",
    "wonderful article", "fantastic post", "i have learn", "i've been reading", "i have been reading",
    "read your post", "newbie", "shout out", "write ups", "write-ups", "next post", "your next", "first comment",
    "素晴らしい記事", "素敵な記事", "良い記事", "いい記事",
    "素晴らしいブログ", "素敵なブログ", "ブログ拝見", "記事を拝見",
    "記事拝見", "いつも楽しく拝見", "楽しく読ませて", "楽しく拝見",
    "ブログを読", "記事を読ませて", "文章力", "文章が上手",
    "デザインが素敵", "素敵なサイト", "素晴らしいサイト", "有益な情報", "とても有益", "更新楽しみ", "更新を楽しみ",
    "また遊びに来", "また来ます", "応援ポチ",
)  # fmt: skip
# Praise a customer may also write ("thank you, that helped"): light, and only without overlap.
PRAISE_WEAK = (
    "great", "awesome", "amazing", "wonderful", "fantastic", "excellent", "brilliant", "outstanding", "superb",
    "spectacular", "informative", "helpful", "useful", "valuable", "thanks for sharing", "thank you for sharing",
    "good job", "nice work", "love it", "i learned", "i learnt", "impressive", "impressed", "appreciate",
    "interesting", "enjoy", "pleasant", "good luck",
    "素晴らしい", "素敵", "すごい", "最高", "参考になりました", "勉強になりました", "ためになりました", "感動",
    "共感", "面白い", "興味深い", "有益", "応援しています", "応援してます",
)  # fmt: skip
# What praise is about when it is about the page and not the product: counted only beside praise.
PAGE_WORDS = (
    "blog", "weblog", "website", "site", "theme", "layout", "design", "colors", "colours", "rss", "feed", "article",
    "articles", "post", "posts", "writing", "content", "subscribe", "subscribing", "board", "topic", "info",
    "information", "page", "author", "admin",
)  # fmt: skip
PAGE_WORDS_JA = ("記事", "ブログ", "サイト", "拝見", "文章", "更新", "ホームページ", "投稿")
BOOKMARK = (
    "bookmark", "book mark", "book-mark", "facebook group", "twitter group", "myspace group", "share it with",
    "share this with", "shared your blog", "share your blog", "share your site", "rss feed", "your feed",
    "subscribe to your", "added you to my", "add your site", "my followers", "tweet this", "my favorites",
    "my favourites", "my reader", "passed this onto", "forward this page",
    "ブックマーク", "お気に入りに登録", "お気に入り登録",
    "お気に入りに追加", "シェアさせて", "シェアします", "拡散させて",
    "拡散します", "リブログ", "読者登録", "フォローさせて", "ツイートさせて",
)  # fmt: skip
SELF_PROMOTION = (
    "my blog", "my site", "my website", "my web site", "my page", "visit my", "visit us", "check out my", "check my",
    "click here", "click the link", "link below", "link in bio", "contact me", "contact us", "message me",
    "write me", "my private email", "our website", "our store", "our shop", "we provide", "we offer", "we are a",
    "professional", "get a quote", "for a quote", "high quality", "best quality",
    "私のブログ", "僕のブログ", "わたしのブログ", "ブログやって", "ブログを書いて", "ブログ更新", "ブログで紹介",
    "ブログ始め", "遊びに来て", "遊びにきて", "見に来て",
    "見にきて", "覗いて", "のぞいて", "相互リンク", "相互フォロー",
    "よかったら見て", "良かったら見て", "見てね", "プロフィールのリンク", "プロフィールから", "詳しくはこちら",
    "こちらから", "クリック", "当店", "専門店", "業者",
)  # fmt: skip
# Money, prizes, "verify your account": the bait of scams and of fake support.
LURE = (
    "earn money", "make money", "made $", "earn $", "work from home", "working from home", "per hour", "per day",
    "per week", "/week", "a week", "no experience", "ask me how", "free trial", "limited offer", "limited stock",
    "today only", "half price", "half the price", "for free", "get paid", "win a", "you won", "winner", "prize",
    "claim here", "claim your", "enter here", "apply:", "business proposal", "million", "kindly", "bitcoin only",
    "unlock", "verify your account", "account suspended", "account is locked", "support directly",
    "稼げ", "稼い", "副業", "在宅", "簡単に", "万円",
    "円分", "もらえ", "当たる", "当選", "受け取り", "無料で", "今なら",
    "限定", "登録するだけ", "現金化", "2倍", "半額", "本人確認", "アカウント停止", "アカウントがロック", "緊急",
    "裏ワザ", "一発で", "無料鑑定", "高価買取",
)  # fmt: skip
SEO_EN = (
    "replica", "replicas", "cheap", "cheapest", "discount", "outlet", "wholesale", "free shipping", "shoes",
    "sneakers", "jordans", "jordan", "nike", "adidas", "yeezy", "ugg", "uggs", "luggage", "suitcase", "handbag",
    "handbags", "bags", "purse", "wallet", "wallets", "louis vuitton", "vuitton", "gucci", "chanel", "hermes",
    "prada", "rolex", "watches", "moncler", "canada goose", "ray-ban", "ray ban", "oakley", "sunglasses", "jerseys",
    "viagra", "cialis", "casino", "poker", "betting", "free spins", "loan", "loans", "payday", "crypto", "bitcoin",
    "forex", "seo", "backlinks", "traffic", "essay", "essays", "weight loss", "lose 10 kg", "diet pills", "escort",
    "dating", "fx", "buy now", "best price", "lowest price", "on sale", "sale", "coupon", "promo", "oem", "moq",
    "factory", "affiliate", "signals", "deals", "half price",
)  # fmt: skip
SEO_JA = (
    "スーパーコピー", "ブランドコピー", "コピー品", "n級", "激安",
    "格安", "最安", "通販", "送料無料", "即日発送", "アウトレット",
    "半額", "割引", "セール", "ヴィトン", "グッチ",
    "シャネル", "エルメス", "ロレックス", "モンクレール", "ナイキ", "スニーカー",
    "財布", "バッグ", "キャリーケース", "スーツケース", "腕時計",
    "カジノ", "出会い", "出会系", "無料登録", "高収入", "即金",
    "ダイエット", "痩せ", "サプリ", "育毛", "借金",
    "キャッシング", "仮想通貨", "ブランド", "買取", "ランキング", "即会い",
)  # fmt: skip
# Hosts customers use to show a photo or a video of the problem.
MEDIA_HOSTS = frozenset(
    {"imgur.com", "youtube.com", "youtu.be", "flickr.com", "gyazo.com", "photos.app.goo.gl", "drive.google.com",
     "dropbox.com", "icloud.com", "instagram.com", "vimeo.com", "streamable.com", "prnt.sc", "ibb.co"}
)  # fmt: skip
_MESSENGERS = (
    "whatsapp",
    "telegram",
    "wechat",
    "signal app",
    "kakaotalk",
    "line id",
    "lineで",
    "line追加",
    "ライン追加",
)


class _Lazy:
    """A regex compiled on its first use: every cold start of the API imports the scorer, while
    only writes run it, and compiling its patterns was a tenth of the app's own import time."""

    def __init__(self, pattern: str, flags: int = 0):
        self._source, self._flags = pattern, flags

    @cached_property
    def _compiled(self) -> re.Pattern[str]:
        return re.compile(self._source, self._flags)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._compiled, name)


def _lazy(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return cast("re.Pattern[str]", _Lazy(pattern, flags))


def _alternation(words: Iterable[str]) -> re.Pattern[str]:
    """A regex that finds any of ``words`` as whole words (not inside a longer Latin word)."""
    body = "|".join(sorted(map(re.escape, words), key=len, reverse=True))
    return _lazy(r"(?<![a-z])(" + body + r")(?![a-z])")


_SEO_EN_RE = _alternation(SEO_EN)
_PAGE_RE = _alternation(PAGE_WORDS)

STOPWORDS = frozenset(
    (
        "about", "above", "after", "again", "against", "all", "also", "and", "any", "are", "because", "been",
        "before", "being", "below", "between", "both", "but", "can", "cannot", "could", "did", "does", "doing",
        "down", "during", "each", "few", "for", "from", "further", "had", "has", "have", "having", "here", "how",
        "into", "its", "just", "more", "most", "much", "not", "now", "off", "once", "only", "other", "our", "out",
        "over", "own", "same", "should", "some", "such", "than", "that", "the", "their", "them", "then", "there",
        "these", "they", "this", "those", "through", "too", "under", "until", "very", "was", "were", "what", "when",
        "where", "which", "while", "who", "whom", "why", "will", "with", "would", "you", "your", "yours",
        "yourself", "i'm", "it's", "don't", "can't", "i've", "thanks", "thank", "please", "hello", "really",
        "still", "even",
    )
)  # fmt: skip

# ----------------------------------------------------------------------------------------------
# text helpers

_URL_RE = _lazy(r"(?:h?ttps?://|www\.)[^\s<>\"'()（）「」『』【】、。，！？!]+", re.IGNORECASE)
_BARE_TLDS = (
    "com|net|org|jp|co|ly|gl|gd|to|io|me|info|biz|xyz|top|shop|site|online|club|icu|cc|us|in|at|id|red|blog|"
    "store|vip|ru|tk|pw|link|click|asia|tv|app|dev"
)
_BARE_RE = _lazy(
    r"(?<![a-z0-9.@_-])((?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:" + _BARE_TLDS + r"))(?![a-z0-9-])(/[^\s<>\"')）」]*)?"
)
_CJK_RE = _lazy(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff66-\uff9f]")
_KANJI_KATA_RE = _lazy(r"[\u30a0-\u30ff\u3400-\u9fff]{2,}")
_WORD_RE = _lazy(r"[a-z][a-z0-9'-]{2,}")
_DIGITS_RE = _lazy(r"\d+")
_SPACE_RE = _lazy(r"[\s\u3000]+")
_PUNCT_RE = _lazy(r"[!！?？。、，,.・~〜ー\-…「」『』()（）【】★☆♪♡❤*#＊]+")
# cp1252/Latin-1 characters a mis-decoded UTF-8 or Shift_JIS byte run consists of
_LATIN_RUN_RE = _lazy(r"[\u0080-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013-\u2122]{2,}")
_TELLTALES = frozenset("縺繧繝縲\ufffd")


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _host_of(url: str) -> str:
    rest = re.sub(r"^(?:h?ttps?://)", "", url, flags=re.IGNORECASE)
    host = re.split(r"[/?#:]", rest, maxsplit=1)[0].strip(".,;")
    return host.removeprefix("www.")


def _links(norm: str) -> list[tuple[str, bool]]:
    """``(host, clickable)`` of each link in normalised text; clickable: with a scheme, ``www.`` or a path."""
    found = [(_host_of(m.group(0)), True) for m in _URL_RE.finditer(norm)]
    rest = _URL_RE.sub(" ", norm)
    for m in _BARE_RE.finditer(rest):
        host = m.group(1).removeprefix("www.")
        has_path = len(m.group(2) or "") >= 2
        if host in SHORTENERS and not has_path:
            continue  # "a bit.ly link" names the service, it links nowhere
        found.append((host, has_path))
    return [(h, c) for h, c in found if "." in h]


def links_in(text: str) -> list[str]:
    """The hosts of the links in ``text`` (with or without a scheme, ``ttp://`` too), in order."""
    return [h for h, _ in _links(_normal(text))]


@lru_cache(maxsize=256)
def _brands(company: tuple[str, ...]) -> tuple[str, ...]:
    """The names a lookalike host borrows: the first label of each company host, with and without hyphens."""
    names = set()
    for host in company:
        label = host.split(".", 1)[0]
        if len(label) >= 4:
            names |= {label, label.replace("-", "")}
    return tuple(sorted(names))


@lru_cache(maxsize=256)
def _parent_words(parent_text: str) -> frozenset[str]:
    return frozenset(content_words(parent_text))


_EMAIL_RE = _lazy(r"[a-z0-9._%+-]+@((?:[a-z0-9-]+\.)+[a-z]{2,})")
_PHONE_RE = _lazy(r"(?<!\d)(?:\+\d{1,3}[\s-]?\d{2,4}[\s-]?\d{3,4}[\s-]?\d{3,4}|0\d{1,4}-\d{1,4}-\d{3,4})(?!\d)")
_HANDLE_RE = _lazy(r"(?<![a-z0-9.])@[a-z0-9_]{4,}")


def _off_platform(norm: str, company: tuple[str, ...]) -> list[str]:
    """E-mail addresses (not the company's), phone numbers and messenger accounts in normalised text."""
    found = [f"e-mail at {m.group(1)}" for m in _EMAIL_RE.finditer(norm) if not _under(m.group(1), company)]
    found += ["a phone number" for _ in _PHONE_RE.finditer(norm)][:1]
    messengers = [m for m in _MESSENGERS if m in norm]
    found += messengers
    if messengers or "dm me" in norm:
        found += [f"handle {h}" for h in _HANDLE_RE.findall(_EMAIL_RE.sub(" ", norm))][:1]
    if "dm me" in norm:
        found.append("'dm me'")
    return found


def _under(host: str, domains: Iterable[str]) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def _dup_normal(text: str) -> str:
    norm = _normal(text)
    norm = _URL_RE.sub(lambda m: " " + _host_of(m.group(0)) + " ", norm)
    norm = _DIGITS_RE.sub("0", norm)
    norm = _PUNCT_RE.sub(" ", norm)
    return _SPACE_RE.sub(" ", norm).strip()


def content_words(text: str) -> set[str]:
    """English words of 3+ letters that are not stop words, and bigrams of kanji/katakana runs."""
    norm = _URL_RE.sub(" ", _normal(text))
    words = {w.strip("'-") for w in _WORD_RE.findall(norm)}
    found = {w for w in words if len(w) >= 3 and w not in STOPWORDS}
    for run in _KANJI_KATA_RE.findall(norm):
        found |= {run[i : i + 2] for i in range(len(run) - 1)}
    return found


def _phrases(norm: str, lexicon: Iterable[str]) -> list[str]:
    return [p for p in lexicon if p in norm]


def _plausible(decoded: str, japanese: bool) -> bool:
    """Whether a re-decoded run reads as real text: Japanese for Shift_JIS, any letter beyond ASCII for UTF-8."""
    if japanese:
        return len(_CJK_RE.findall(decoded)) >= max(1, len(decoded) // 2)
    return any(c.isalpha() and ord(c) > 0x7F for c in decoded) and not any(0xE000 <= ord(c) <= 0xF8FF for c in decoded)


def mojibake_evidence(text: str, min_telltales: int = 3, min_share: float = 0.08) -> str | None:
    """A short description of the mis-decoding ``text`` shows, or None.

    Two tests: a run of cp1252/Latin-1 characters that, encoded back, decodes as UTF-8 or Shift_JIS
    ("Ã©" is "é", "ã\\x81\\x93" is "こ"); and the characters UTF-8 Japanese becomes when read as Shift_JIS
    (縺 繧 繝 縲, or U+FFFD where bytes were lost), at least ``min_telltales`` of them and ``min_share``
    of the CJK characters (a customer quoting one garbled word stays under it).
    """
    for run in _LATIN_RUN_RE.findall(text):
        for wrong in ("cp1252", "latin-1"):
            try:
                raw = run.encode(wrong)
            except UnicodeEncodeError:
                continue
            for right in ("utf-8", "cp932"):
                try:
                    decoded = raw.decode(right)
                except UnicodeDecodeError:
                    continue
                if decoded != run and _plausible(decoded, japanese=right == "cp932"):
                    return f"{run[:12]!r} is {right} read as {wrong}: {decoded[:12]!r}"
    strong = sum(1 for c in text if c in _TELLTALES)
    if strong >= min_telltales:
        share = strong / max(1, len(_CJK_RE.findall(text)))
        if share >= min_share:
            return f"{strong} telltale characters of UTF-8 read as Shift_JIS ({share:.0%} of the CJK text)"
    return None


def _seo_keywords(norm: str, parent_norm: str) -> list[str]:
    found = {m.group(1) for m in _SEO_EN_RE.finditer(norm)}
    found |= {k for k in SEO_JA if k in norm}
    # a word the answered post itself uses is the topic, not stuffing
    return sorted(k for k in found if k not in parent_norm)


def _age_multiplier(age_days: float, cfg: SpamConfig) -> tuple[float, str]:
    if age_days < 1:
        return cfg.link_new_day, "under a day old"
    if age_days < 7:
        return cfg.link_new_week, "under a week old"
    if age_days < 30:
        return cfg.link_new_month, "under a month old"
    return cfg.link_established, "established"


# ----------------------------------------------------------------------------------------------
# the scorer


def score(text: str, ctx: SpamContext | None = None, config: SpamConfig = DEFAULT_CONFIG) -> SpamScore:
    """Score ``text`` in its context; pure (``ctx.recent`` is read, never written)."""
    ctx = ctx or SpamContext()
    cfg = config
    signals: list[Signal] = []
    norm = _normal(text)
    parent_norm = _normal(ctx.parent_text) if ctx.parent_text else ""
    company = tuple(c.lower().removeprefix("www.") for c in ctx.company_hosts)

    # links
    links = _links(norm)
    outside = [(h, clickable) for h, clickable in links if not _under(h, company)]
    if outside:
        hosts = [h for h, _ in outside]
        media = sum(1 for h in hosts if _under(h, MEDIA_HOSTS))
        n = min(len(hosts) - media + media * cfg.media_link_factor, cfg.link_cap)
        mult, age_note = _age_multiplier(ctx.author_age_days, cfg)
        weight = cfg.link_weight * (1 + cfg.link_extra * max(0.0, n - 1)) * mult * min(1.0, n)
        detail = f"{len(hosts)} link(s) to {', '.join(hosts[:3])}; author {age_note}"
        signals.append(Signal("outside_links", weight, detail + (f"; {media} photo/video" if media else "")))
        shorteners = [h for h in hosts if h in SHORTENERS]
        if shorteners:
            w = cfg.shortener_weight * min(2, len(shorteners))
            signals.append(Signal("link_shortener", w, ", ".join(shorteners[:3])))
        blogs = [h for h in hosts if _under(h, BLOG_HOSTS)]
        if blogs:
            signals.append(Signal("blog_link", cfg.blog_link_weight, ", ".join(blogs[:3])))
        odd = [h for h in hosts if h.rsplit(".", 1)[-1] in SUSPICIOUS_TLDS]
        if odd:
            signals.append(Signal("suspicious_tld", cfg.suspicious_tld_weight, ", ".join(odd[:3])))
        brands = _brands(company)
        lookalikes = [h for h, clickable in outside if clickable and any(b in h for b in brands)]
        if lookalikes:
            signals.append(Signal("lookalike_host", cfg.lookalike_host_weight, f"{lookalikes[0]} is not {company[0]}"))
        besides = _BARE_RE.sub(" ", _URL_RE.sub(" ", norm))
        besides = _SPACE_RE.sub("", _PUNCT_RE.sub("", besides))
        if len(besides) + len(_CJK_RE.findall(besides)) < cfg.mostly_links_chars:
            signals.append(Signal("mostly_links", cfg.mostly_links_weight, "little text besides the links"))

    # near-duplicates
    sketch = sketch_of(text)
    if ctx.recent is not None and sketch.shingles >= cfg.min_shingles:
        matches = ctx.recent.similar(sketch, cfg.near_duplicate_jaccard)
        others = {a for a, _ in matches if a != ctx.author_id}
        if others:
            w = min(cfg.duplicate_other_cap, cfg.duplicate_other_weight + cfg.duplicate_other_extra * (len(others) - 1))
            best = max(s for a, s in matches if a != ctx.author_id)
            detail = f"{len(others)} other member(s), similarity {best:.2f}"
            signals.append(Signal("duplicate_other_members", w, detail))
        elif matches:
            detail = f"own recent text, similarity {matches[0][1]:.2f}"
            signals.append(Signal("duplicate_own", cfg.duplicate_own_weight, detail))

    # praise without substance, bookmark lines, self-promotion, lures, contact elsewhere
    words = content_words(text)
    overlap = 0.0
    if ctx.parent_text and words:
        overlap = len(words & _parent_words(ctx.parent_text)) / len(words)
    strong = _phrases(norm, PRAISE_STRONG)
    weak = [p for p in _phrases(norm, PRAISE_WEAK) if not any(p in s for s in strong)]
    if (strong or weak) and overlap <= cfg.praise_max_overlap:
        page = {m.group(1) for m in _PAGE_RE.finditer(norm)} | {w for w in PAGE_WORDS_JA if w in norm}
        page -= {w for w in page if w in parent_norm}
        w = cfg.praise_weak_weight * len(weak) + cfg.praise_page_word_weight * len(page)
        if strong:
            w += cfg.praise_strong_weight + cfg.praise_strong_extra * (len(strong) - 1)
        w = min(cfg.praise_cap, w)
        said = ", ".join(repr(p) for p in (strong + weak)[:4])
        about = f"; about the page: {', '.join(sorted(page)[:4])}" if page else ""
        detail = f"{said}{about}; {overlap:.0%} of its words are in the parent"
        signals.append(Signal("generic_praise", w, detail))
    marks = _phrases(norm, BOOKMARK)
    if marks:
        signals.append(Signal("bookmark_share", cfg.bookmark_weight, ", ".join(repr(p) for p in marks[:3])))
    promo = _phrases(norm, SELF_PROMOTION)
    if any(s.name == "blog_link" for s in signals):
        promo = [p for p in promo if "blog" not in p and "ブログ" not in p]  # the blog link already says so
    if promo:
        w = min(cfg.self_promotion_cap, cfg.self_promotion_weight * len(promo))
        signals.append(Signal("self_promotion", w, ", ".join(repr(p) for p in promo[:3])))
    lures = [p for p in _phrases(norm, LURE) if p not in parent_norm]
    if lures:
        w = min(cfg.lure_cap, cfg.lure_weight * len(lures))
        signals.append(Signal("lure", w, ", ".join(repr(p) for p in lures[:3])))
    elsewhere = _off_platform(norm, company)
    if elsewhere:
        signals.append(Signal("off_platform_contact", cfg.off_platform_weight, ", ".join(elsewhere[:3])))

    # writing fast
    if ctx.author_age_days < cfg.new_member_days and ctx.recent_count >= cfg.fast_new_after:
        w = min(cfg.fast_new_cap, cfg.fast_new_weight + cfg.fast_new_step * (ctx.recent_count - cfg.fast_new_after))
        detail = f"{ctx.recent_count} items just before, account {ctx.author_age_days:.1f} days old"
        signals.append(Signal("fast_new_member", w, detail))
    elif ctx.recent_count >= cfg.fast_established_after:
        signals.append(Signal("fast_writer", cfg.fast_established_weight, f"{ctx.recent_count} items just before"))

    # mojibake
    evidence = mojibake_evidence(text, cfg.mojibake_min_telltales, cfg.mojibake_min_share)
    if evidence:
        signals.append(Signal("mojibake", cfg.mojibake_weight, evidence))

    # keyword stuffing (one stuffing word is enough beside an outside link)
    keywords = _seo_keywords(norm, parent_norm)
    if len(keywords) >= cfg.seo_min_keywords or (keywords and outside):
        w = min(cfg.seo_cap, cfg.seo_weight * len(keywords))
        signals.append(Signal("seo_keywords", w, ", ".join(keywords[:6])))

    total = round(sum(s.weight for s in signals), 6)
    return SpamScore(total, total >= cfg.hold_at, cfg.hold_at, tuple(signals), sketch)
