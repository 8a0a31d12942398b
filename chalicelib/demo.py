"""The demo world that ``make run`` seeds on first start, so a new user sees something real."""

from __future__ import annotations

from typing import TYPE_CHECKING

from chalicelib.communities.models import CommunityCreate
from chalicelib.companies.models import CompanyCreate
from chalicelib.kernel import Caller, active_member
from chalicelib.members.models import SignupRequest
from chalicelib.placements.models import CampaignCreate, KeywordIn, TargetIn
from chalicelib.posts.models import CommentCreate, DiaryCreate, PostCreate

if TYPE_CHECKING:
    from chalicelib.bootstrap import Services

DEMO_MEMBERS = [
    ("hanako", "山田花子"),
    ("taro", "佐藤太郎"),
    ("nintendo_fan", "DS好き"),
    ("games_support", "キズナゲームス サポート"),
]


def seed(svc: Services, password: str, admin_handle: str = "admin") -> str:
    """Create the demo world once (members invited by the admin, all with ``password``); returns a summary."""
    members = svc.stores.members
    if members.get_by_handle(DEMO_MEMBERS[0][0]) is not None:
        return "demo world already present"
    admin = Caller.acting_as(active_member(members, admin_handle), "demo")
    m: dict[str, Caller] = {}
    for handle, name in DEMO_MEMBERS:
        invite = svc.invites.issue(admin, f"demo member {handle}")
        joined = svc.auth.signup(
            SignupRequest(
                invite_code=invite.code,
                handle=handle,
                display_name=name,
                password=password,
                email=f"{handle}@example.com",
            )
        )
        m[handle] = Caller(joined.member.id, joined.member.handle, "demo", tuple(joined.member.roles))
    _seed_communities(svc, m)
    _seed_company(svc, admin, m)
    _seed_friends(svc, m)
    _seed_diaries(svc, m)
    return (
        f"demo members {', '.join(h for h, _ in DEMO_MEMBERS)} created (password {password}), "
        "with communities, posts, friends, diaries, an official company community and a sponsored campaign"
    )


def _seed_communities(svc: Services, m: dict[str, Caller]) -> None:
    ds = svc.communities.create(
        m["nintendo_fan"],
        CommunityCreate(
            name="ニンテンドーDS好き集まれ！",
            description="DS・DS Liteのソフト、すれちがい通信、裏技などなんでも語りましょう。",
            category="games",
        ),
    )
    ramen = svc.communities.create(
        m["hanako"],
        CommunityCreate(
            name="東京ラーメン部", description="都内のおいしいラーメン屋さん情報を交換しよう🍜", category="food"
        ),
    )
    for handle in ("hanako", "taro"):
        svc.communities.join(m[handle], ds.id)
    svc.communities.join(m["taro"], ramen.id)
    topic = svc.posts.create_topic(
        m["nintendo_fan"],
        ds.id,
        PostCreate(title="おすすめのDSソフトを教えてください", body="脳トレ以外で長く遊べるソフトを探しています。"),
    )
    svc.posts.comment(m["hanako"], topic.id, CommentCreate(body="おいでよ どうぶつの森 がおすすめです！"))
    svc.posts.comment(m["taro"], topic.id, CommentCreate(body="マリオカートDSでWi-Fi対戦しましょう。"))
    svc.posts.create_topic(
        m["taro"], ds.id, PostCreate(title="すれちがい通信しませんか？", body="週末に秋葉原に行きます。")
    )
    ramen_topic = svc.posts.create_topic(
        m["hanako"], ramen.id, PostCreate(title="新宿の煮干しラーメン", body="濃厚でおいしかったです。")
    )
    svc.posts.comment(m["taro"], ramen_topic.id, CommentCreate(body="今度連れて行ってください！"))


def _seed_company(svc: Services, admin: Caller, m: dict[str, Caller]) -> None:
    company = svc.companies.create(
        admin, CompanyCreate(name="キズナゲームス株式会社", website="https://games.example.jp")
    )
    svc.companies.put_staff(admin, company.id, "games_support", "owner")
    official = svc.communities.create(
        m["games_support"],
        CommunityCreate(
            name="キズナゲームス公式サポート",
            description="キズナゲームスの公式コミュニティです。製品のご質問はこちらへどうぞ。",
            category="games",
            company_id=company.id,
        ),
    )
    for handle in ("hanako", "taro"):
        svc.communities.join(m[handle], official.id)
    svc.posts.create_topic(
        m["hanako"],
        official.id,
        PostCreate(title="セーブデータが消えてしまいました", body="電池が切れた後、冒険の記録がなくなっていました。"),
    )
    answered = svc.posts.create_topic(
        m["taro"], official.id, PostCreate(title="予約特典について", body="特典のポスターはいつ届きますか？")
    )
    reply = svc.posts.comment(
        m["games_support"],
        answered.id,
        CommentCreate(body="お問い合わせありがとうございます。来週中に発送いたします。"),
    )
    svc.posts.resolve(m["taro"], answered.id, reply.id)
    svc.campaigns.create(
        m["games_support"],
        company.id,
        CampaignCreate(
            name="公式サポートの案内",
            target=TargetIn(type="community", id=official.id),
            headline="キズナゲームス公式サポート",
            text="製品のご質問には公式スタッフがコミュニティでお答えします。",
            keywords=[
                KeywordIn(text="DS", match="broad", max_cpc=30),
                KeywordIn(text="セーブデータ", match="phrase", max_cpc=50),
            ],
            negative_keywords=["求人"],
            daily_budget=3000,
        ),
    )


def _seed_friends(svc: Services, m: dict[str, Caller]) -> None:
    """hanako and taro are friends (so each one's diary reaches the other); nintendo_fan asks hanako."""
    svc.friends.request(m["taro"], "hanako")
    svc.friends.request(m["hanako"], "taro")
    svc.friends.request(m["nintendo_fan"], "hanako")


def _seed_diaries(svc: Services, m: dict[str, Caller]) -> None:
    svc.posts.create_diary(
        m["hanako"], DiaryCreate(title="今日のランチ", body="会社の近くで親子丼を食べました。", visibility="members")
    )
    svc.posts.create_diary(
        m["hanako"], DiaryCreate(title="友達だけに報告", body="来月引っ越します！", visibility="friends")
    )
    svc.posts.create_diary(m["taro"], DiaryCreate(title="ひとりごと", body="今日は早く寝よう。", visibility="private"))
