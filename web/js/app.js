// The member client: a hash-routed single page (#/, #/search, #/c/ID, #/p/ID, #/m/HANDLE, #/mod).
import { ApiError, api, enc, query, session } from "./api.js";
import { loginForm, logout, signupForm } from "./auth.js";
import { append, clear, field, form, formatDate, h, message, serverHtml, showError } from "./dom.js";
import { heldBadge, heldNotice, modPage, reportControl } from "./moderation.js";

const view = document.getElementById("view");
const nav = document.getElementById("nav");

const CATEGORIES = {
  games: "ゲーム", anime_manga: "アニメ・マンガ", music: "音楽", movies_tv: "映画・テレビ", books: "本",
  sports: "スポーツ", food: "グルメ", travel: "旅行", tech: "IT・テクノロジー", business: "ビジネス",
  hobbies: "趣味", local: "地域", school: "学校", other: "その他",
};
const VISIBILITY = { members: "全体に公開", friends: "友人まで公開", private: "非公開" };
const STATUS = { open: "回答待ち", answered: "回答あり", resolved: "解決済み" };

let me = null; // GET /me of the logged-in member, loaded once per session

function parseHash() {
  const raw = location.hash.replace(/^#/, "") || "/";
  const [path, qs = ""] = raw.split("?");
  return { parts: path.split("/").filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(qs) };
}

export function go(hash) {
  if (location.hash === hash) render();
  else location.hash = hash;
}

async function render() {
  const { parts, params } = parseHash();
  const [page, arg] = parts;
  renderNav(params.get("q") || "");
  clear(view);
  if (!session.token) {
    me = null;
    view.append(page === "signup" ? signupPage() : loginPage());
    return;
  }
  const slot = h("div", { class: "loading" }, "読み込み中…");
  view.append(slot);
  try {
    if (!me) me = await api("GET", "/me");
    renderNav(params.get("q") || "");
    let content;
    if (page === "search") content = await searchPage(params.get("q") || "", params.get("type") || "all");
    else if (page === "c" && arg) content = await communityPage(arg);
    else if (page === "p" && arg) content = await postPage(arg);
    else if (page === "m" && arg) content = await memberPage(arg);
    else if (page === "mod") content = await modPage(me, params);
    else content = await homePage();
    slot.replaceWith(content);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      me = null;
      go("#/login");
      return;
    }
    slot.replaceWith(message("error", err.message || String(err)));
  }
}

function renderNav(q) {
  clear(nav);
  if (!session.token) return;
  const searchForm = h(
    "form",
    { class: "search", role: "search", onsubmit: (e) => { e.preventDefault(); const v = e.target.q.value.trim(); if (v) go(`#/search${query({ q: v })}`); } },
    h("input", { name: "q", type: "search", placeholder: "コミュニティ・トピックを検索", value: q, "aria-label": "検索" }),
    h("button", { type: "submit" }, "検索"),
  );
  append(nav, [
    h("a", { href: "#/" }, "ホーム"),
    me ? h("a", { href: `#/m/${enc(me.handle)}` }, "日記") : null,
    h("a", { href: "dashboard.html" }, "企業ダッシュボード"),
    me && (me.roles || []).includes("admin") ? h("a", { href: "#/mod", id: "nav-mod" }, "モデレーション") : null,
    searchForm,
    h("button", { class: "link", onclick: async () => { await logout(); me = null; go("#/login"); } }, "ログアウト"),
  ]);
}

function loginPage() {
  return h("div", { class: "narrow" }, loginForm(() => go("#/")), h("p", { class: "center" }, "招待コードをお持ちの方は ", h("a", { href: "#/signup" }, "新規登録"), "。"));
}

function signupPage() {
  return h("div", { class: "narrow" }, signupForm(() => go("#/")), h("p", { class: "center" }, "登録済みの方は ", h("a", { href: "#/login" }, "ログイン"), "。"));
}

// ---- home ----------------------------------------------------------------------------------

async function homePage() {
  const [stats, friends, communities] = await Promise.all([
    api("GET", "/stats"),
    api("GET", "/friends?limit=50"),
    api("GET", "/communities?sort=members&limit=20"),
  ]);
  const invitesSlot = h("div");
  const profile = h(
    "section",
    { class: "card profile", id: "profile" },
    h("h2", null, `${me.display_name}さん`),
    h("dl", null,
      h("dt", null, "ユーザー名"), h("dd", null, `@${me.handle}`),
      h("dt", null, "招待者"), h("dd", null, me.invited_by ? h("a", { href: `#/m/${enc(me.invited_by)}` }, `@${me.invited_by}`) : "—"),
      h("dt", null, "登録日"), h("dd", null, formatDate(me.created_at)),
      h("dt", null, "残り招待数"), h("dd", null, String(me.invites_left)),
    ),
    h("p", null, h("a", { href: `#/m/${enc(me.handle)}` }, "日記を書く・読む »")),
    h("button", { onclick: async (e) => {
      e.target.disabled = true;
      try {
        const inv = await api("POST", "/invites", {});
        me.invites_left = Math.max(0, me.invites_left - 1);
        clear(invitesSlot).append(message("ok", `招待コード: ${inv.code}（有効期限 ${formatDate(inv.expires_at)}）`));
      } catch (err) { showError(invitesSlot, err); } finally { e.target.disabled = false; }
    } }, "友人を招待する"),
    invitesSlot,
  );
  const statsBox = h(
    "section", { class: "card", id: "stats" }, h("h3", null, "Kizuna の今"),
    h("ul", { class: "stats" },
      h("li", null, "会員数（累計） ", h("strong", null, String(stats.members.cumulative))),
      h("li", null, "アクティブ ", h("strong", null, String(stats.members.active))),
      h("li", null, "コミュニティ ", h("strong", null, String(stats.communities))),
      h("li", null, "投稿 ", h("strong", null, String(stats.posts))),
    ),
  );
  const STATE = { friends: "マイミク", requested: "申請中", pending: "承認待ち" };
  const friendsBox = h(
    "section", { class: "card", id: "friends" }, h("h3", null, `マイミクシィ（${friends.items.filter((f) => f.state === "friends").length}人）`),
    friends.items.length
      ? h("ul", { class: "plain" }, friends.items.map((f) => h("li", null, h("a", { href: `#/m/${enc(f.handle)}` }, f.display_name), ` @${f.handle} `, h("span", { class: "badge" }, STATE[f.state] || f.state))))
      : h("p", { class: "hint" }, "まだマイミクがいません。"),
  );
  const communitiesBox = h(
    "section", { class: "card", id: "communities" }, h("h3", null, "コミュニティ（参加者の多い順）"),
    communityList(communities.items),
  );
  const main = h("div", { class: "main-col" }, communitiesBox, createCommunityForm());
  return h("div", { class: "columns" }, h("div", { class: "side-col" }, profile, statsBox, friendsBox), main);
}

function communityList(items) {
  if (!items.length) return h("p", { class: "hint" }, "コミュニティはまだありません。");
  return h("ul", { class: "list" }, items.map((c) => h("li", null,
    h("a", { href: `#/c/${enc(c.id)}` }, c.name),
    c.official ? h("span", { class: "badge official" }, "公式") : null,
    h("span", { class: "meta" }, ` ${CATEGORIES[c.category] || c.category}・${c.member_count}人`),
  )));
}

function createCommunityForm() {
  return form(
    { class: "card", id: "new-community" },
    [
      h("h3", null, "コミュニティを作る"),
      field("名前", h("input", { name: "name", required: true, maxlength: 50 })),
      field("カテゴリ", h("select", { name: "category" }, Object.entries(CATEGORIES).map(([v, l]) => h("option", { value: v }, l)))),
      field("説明", h("textarea", { name: "description", rows: 3, maxlength: 2000 })),
      h("button", { type: "submit" }, "作成する"),
    ],
    async (values) => {
      const c = await api("POST", "/communities", values);
      go(`#/c/${enc(c.id)}`);
    },
  );
}

// ---- search --------------------------------------------------------------------------------

async function searchPage(q, type) {
  const wrap = h("div", { id: "search-page" });
  if (!q) return append(wrap, message("info", "検索語を入力してください。"));
  const tabs = h("div", { class: "tabs" }, Object.entries({ all: "すべて", posts: "トピック・日記", communities: "コミュニティ" }).map(
    ([v, l]) => h("a", { href: `#/search${query({ q, type: v })}`, class: v === type ? "active" : null }, l),
  ));
  const page = await api("GET", `/search${query({ q, type })}`);
  const results = h("ol", { class: "results", id: "results" });
  const more = h("div");
  append(wrap, [h("h2", null, `「${page.query}」の検索結果`), tabs, sponsoredBlock(page.sponsored), results, more]);
  const addPage = (p) => {
    append(results, p.results.map(resultItem));
    clear(more);
    if (p.next_cursor) {
      more.append(h("button", { onclick: async () => {
        try { addPage(await api("GET", `/search${query({ q, type, cursor: p.next_cursor })}`)); } catch (err) { showError(more, err); }
      } }, "もっと見る"));
    }
  };
  addPage(page);
  if (!page.results.length) results.replaceWith(message("info", "見つかりませんでした。"));
  return wrap;
}

function sponsoredBlock(sponsored) {
  if (!sponsored || !sponsored.length) return null;
  const slot = h("div");
  return h("section", { class: "sponsored", id: "sponsored", "aria-label": "広告" },
    slot,
    sponsored.map((ad) => h("article", { class: "ad" },
      h("span", { class: "badge ad-label" }, `${ad.label || "Sponsored"}・広告`),
      h("a", { href: targetHash(ad.target), class: "ad-headline", onclick: async (e) => {
        e.preventDefault();
        try {
          // Record the click first (charged at most once, server-side); then follow the target it returns.
          const { target } = await api("POST", `/placements/${enc(ad.click_token)}/click`);
          go(targetHash(target));
        } catch (err) { showError(slot, err); }
      } }, ad.headline),
      h("p", { class: "ad-text" }, ad.text),
      h("p", { class: "meta" }, `提供: ${ad.company.name}`),
    )),
  );
}

function targetHash(target) {
  return target.type === "community" ? `#/c/${enc(target.id)}` : `#/p/${enc(target.id)}`;
}

function resultItem(r) {
  const href = r.type === "community" ? `#/c/${enc(r.id)}` : `#/p/${enc(r.id)}`;
  return h("li", { class: "result" },
    h("span", { class: "badge" }, r.type === "community" ? "コミュニティ" : "トピック"),
    h("a", { href, class: "result-title" }, r.title),
    r.community ? h("span", { class: "meta" }, ` — ${r.community.name}`) : null,
    h("p", null, serverHtml(r.snippet)),
  );
}

// ---- community -----------------------------------------------------------------------------

async function communityPage(id) {
  let [c, posts] = await Promise.all([api("GET", `/communities/${enc(id)}`), api("GET", `/communities/${enc(id)}/posts?limit=50`)]);
  const wrap = h("div", { id: "community-page" });
  // The review queue and reports of this community: for its owner and moderators, and in an
  // official community for the company's staff (GET /me/companies); admins have it in the nav.
  const modLink = h("p", { class: "mod-link" });
  const showModLink = () => clear(modLink).append(h("a", { href: `#/mod${query({ community_id: c.id })}` }, "モデレーション（確認待ち・通報）»"));
  if (c.your_role === "owner" || c.your_role === "moderator") showModLink();
  else if (c.company) api("GET", "/me/companies").then((mine) => { if (mine.items.some((x) => x.id === c.company.id)) showModLink(); }, () => {});
  const draw = () => {
    clear(wrap);
    const actions = h("div", { class: "actions" });
    const slot = h("div");
    const toggle = async (method) => {
      try {
        c = await api(method, `/communities/${enc(id)}/membership`);
        draw();
      } catch (err) { showError(slot, err); }
    };
    if (!c.your_role) actions.append(h("button", { id: "join", onclick: () => toggle("PUT") }, "コミュニティに参加"));
    else if (c.your_role !== "owner") actions.append(h("button", { id: "leave", class: "secondary", onclick: () => toggle("DELETE") }, "退会する"));
    const header = h("section", { class: "card" },
      h("h2", null, c.name, c.official ? h("span", { class: "badge official" }, "公式") : null),
      c.company ? h("p", { class: "meta" }, `${c.company.name} の公式コミュニティ。トピックはお問い合わせとして企業スタッフが公開で回答します。 `, h("a", { href: `dashboard.html${query({ company: c.company.id, community: c.id })}` }, "スタッフ用ダッシュボード »")) : null,
      h("p", { class: "description" }, c.description || ""),
      h("p", { class: "meta" }, `${CATEGORIES[c.category] || c.category}・参加者 ${c.member_count}人・管理人 ${c.owner.display_name}`, c.your_role ? `・あなた: ${{ owner: "管理人", moderator: "副管理人", member: "参加中" }[c.your_role]}` : ""),
      actions, modLink, slot,
    );
    const list = h("section", { class: "card", id: "topics" }, h("h3", null, "トピック一覧"),
      posts.items.length
        ? h("ul", { class: "list" }, posts.items.map((p) => h("li", null,
          h("a", { href: `#/p/${enc(p.id)}` }, p.title),
          p.held ? heldBadge() : null,
          p.status ? h("span", { class: `badge status-${p.status}` }, STATUS[p.status]) : null,
          h("span", { class: "meta" }, ` ${p.author.display_name}・${formatDate(p.created_at)}・コメント ${p.comment_count}`),
        )))
        : h("p", { class: "hint" }, "トピックはまだありません。"),
    );
    const compose = c.your_role
      ? form({ class: "card", id: "new-topic" }, [
        h("h3", null, c.official ? "お問い合わせ（トピック）を作成" : "トピックを作成"),
        field("タイトル", h("input", { name: "title", required: true, maxlength: 100 })),
        field("本文", h("textarea", { name: "body", required: true, rows: 5 })),
        h("button", { type: "submit" }, "投稿する"),
      ], async (values) => {
        const p = await api("POST", `/communities/${enc(id)}/posts`, values);
        go(`#/p/${enc(p.id)}`);
      })
      : h("p", { class: "hint" }, "参加するとトピックを作成できます。");
    append(wrap, [header, list, compose]);
  };
  draw();
  return wrap;
}

// ---- post ----------------------------------------------------------------------------------

async function postPage(id) {
  let [post, comments] = await Promise.all([api("GET", `/posts/${enc(id)}`), api("GET", `/posts/${enc(id)}/comments?limit=100`)]);
  const wrap = h("div", { id: "post-page" });
  const draw = () => {
    clear(wrap);
    const mine = post.author.handle === me.handle;
    const resolvable = post.kind === "inquiry" && post.status !== "resolved" && mine;
    const slot = h("div");
    const article = h("article", { class: "card post" },
      post.community ? h("p", { class: "meta" }, h("a", { href: `#/c/${enc(post.community.id)}` }, `« ${post.community.name}`)) : h("p", { class: "meta" }, `日記・${VISIBILITY[post.visibility]}`),
      h("h2", null, post.title, post.held ? heldBadge() : null, post.status ? h("span", { class: `badge status-${post.status}` }, STATUS[post.status]) : null),
      post.held ? heldNotice("post") : null,
      h("p", { class: "meta" }, authorLink(post.author), `・${formatDate(post.created_at)}`),
      h("div", { class: "body" }, post.body),
      mine ? null : reportControl("post", post.id),
    );
    const list = h("section", { class: "card", id: "comments" }, h("h3", null, `コメント（${comments.items.length}）`), slot,
      comments.items.length
        ? h("ol", { class: "comments" }, comments.items.map((cm) => h("li", { class: `comment${cm.official ? " official" : ""}${cm.held ? " held" : ""}`, "data-comment-id": cm.id },
          h("p", { class: "meta" }, authorLink(cm.author), cm.official ? h("span", { class: "badge official" }, "公式") : null,
            post.accepted_comment_id === cm.id ? h("span", { class: "badge status-resolved" }, "ベストアンサー") : null,
            `・${formatDate(cm.created_at)}`),
          cm.held ? heldNotice("comment") : null,
          h("div", { class: "body" }, cm.body),
          cm.author.handle === me.handle ? null : reportControl("comment", `${post.id}/${cm.id}`),
          resolvable ? h("button", { class: "small secondary", onclick: async () => {
            try { post = await api("POST", `/posts/${enc(id)}/resolve`, { comment_id: cm.id }); draw(); } catch (err) { showError(slot, err); }
          } }, "この回答で解決") : null,
        )))
        : h("p", { class: "hint" }, "コメントはまだありません。"),
    );
    const compose = form({ class: "card", id: "new-comment" }, [
      field("コメントする", h("textarea", { name: "body", required: true, rows: 3 })),
      h("button", { type: "submit" }, "書き込む"),
    ], async (values) => {
      await api("POST", `/posts/${enc(id)}/comments`, values);
      [post, comments] = await Promise.all([api("GET", `/posts/${enc(id)}`), api("GET", `/posts/${enc(id)}/comments?limit=100`)]);
      draw();
    });
    append(wrap, [article, list, compose]);
  };
  draw();
  return wrap;
}

function authorLink(author) {
  return author.handle ? h("a", { href: `#/m/${enc(author.handle)}` }, author.display_name) : author.display_name;
}

// ---- member and diary ----------------------------------------------------------------------

async function memberPage(handle) {
  const [member, diary] = await Promise.all([api("GET", `/members/${enc(handle)}`), api("GET", `/members/${enc(handle)}/diary?limit=50`)]);
  const self = member.handle === me.handle;
  const slot = h("div");
  const head = h("section", { class: "card" },
    h("h2", null, `${member.display_name}さんの日記`),
    h("p", { class: "meta" }, `@${member.handle}・${formatDate(member.joined_at)} 登録`),
    self ? null : h("button", { onclick: async (e) => {
      try {
        const f = await api("POST", `/friends/${enc(member.handle)}`);
        clear(slot).append(message("ok", f.state === "friends" ? "マイミクになりました。" : "マイミク申請を送りました。"));
        e.target.remove();
      } catch (err) { showError(slot, err); }
    } }, "マイミクに追加"),
    slot,
    self ? null : reportControl("member", member.handle),
  );
  const entries = h("section", { class: "card", id: "diary" }, h("h3", null, "日記一覧"),
    diary.items.length
      ? h("ul", { class: "list" }, diary.items.map((p) => h("li", null,
        h("a", { href: `#/p/${enc(p.id)}` }, p.title),
        p.held ? heldBadge() : null,
        h("span", { class: "badge" }, VISIBILITY[p.visibility]),
        h("span", { class: "meta" }, ` ${formatDate(p.created_at)}・コメント ${p.comment_count}`),
      )))
      : h("p", { class: "hint" }, "読める日記はありません。"),
  );
  const compose = self
    ? form({ class: "card", id: "new-diary" }, [
      h("h3", null, "日記を書く"),
      field("タイトル", h("input", { name: "title", required: true, maxlength: 100 })),
      field("本文", h("textarea", { name: "body", required: true, rows: 6 })),
      field("公開範囲", h("select", { name: "visibility" }, Object.entries(VISIBILITY).map(([v, l]) => h("option", { value: v }, l)))),
      h("button", { type: "submit" }, "日記を書く"),
    ], async (values) => {
      const p = await api("POST", "/diary", values);
      go(`#/p/${enc(p.id)}`);
    })
    : null;
  return h("div", { id: "member-page" }, head, compose, entries);
}

window.addEventListener("hashchange", render);
render();
