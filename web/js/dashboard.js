// The company dashboard: inquiry inbox (staff), public response metrics, campaigns (owner/advertiser),
// and for staff a link to the review queue of the official community (index.html#/mod?community_id=).
// The company comes from ?company=ID (linked from an official community's page), from the list of
// the caller's own companies (GET /me/companies), or is typed in; the API decides what this member
// may see.
import { ApiError, api, enc, query, session } from "./api.js";
import { loginForm, logout } from "./auth.js";
import { append, clear, field, form, formatDate, formatDuration, h, message, showError } from "./dom.js";

const view = document.getElementById("view");
const nav = document.getElementById("nav");
const STATUS = { open: "回答待ち", answered: "回答済み", resolved: "解決済み" };

function companyId() {
  return new URLSearchParams(location.search).get("company") || "";
}

function openCompany(id) {
  const url = new URL(location.href);
  url.search = query({ company: id });
  history.pushState(null, "", url);
  render();
}

async function render() {
  clear(nav);
  clear(view);
  if (!session.token) {
    view.append(h("div", { class: "narrow" }, loginForm(render)));
    return;
  }
  append(nav, [
    h("a", { href: "index.html" }, "会員ページへ"),
    h("button", { class: "link", onclick: async () => { await logout(); render(); } }, "ログアウト"),
  ]);
  const id = companyId();
  view.append(companyPicker(id));
  if (!id) return;
  const slot = h("div", { class: "loading" }, "読み込み中…");
  view.append(slot);
  try {
    const company = await api("GET", `/companies/${enc(id)}`);
    const metricsBox = h("section", { class: "card", id: "metrics" });
    const inboxBox = h("section", { class: "card", id: "inbox" });
    const campaignsBox = h("section", { class: "card", id: "campaigns" });
    const moderationBox = h("section", { class: "card", id: "moderation" });
    const refresh = () => Promise.all([drawMetrics(metricsBox, id), drawInbox(inboxBox, id, "open", refresh)]);
    slot.replaceWith(h("div", null,
      h("h2", null, company.name),
      h("p", { class: "meta" }, /^https?:\/\//.test(company.website) ? h("a", { href: company.website, rel: "noopener noreferrer", target: "_blank" }, company.website) : company.website),
      h("div", { class: "columns" }, h("div", { class: "main-col" }, inboxBox, campaignsBox), h("div", { class: "side-col" }, metricsBox, moderationBox)),
    ));
    await Promise.all([refresh(), drawCampaigns(campaignsBox, id), drawModeration(moderationBox, id)]);
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return render();
    slot.replaceWith(message("error", err.message));
  }
}

function companyPicker(id) {
  const hint = h("p", { class: "hint" }, "公式コミュニティのページの「スタッフ用ダッシュボード」からも開けます。");
  const picker = form({ class: "card inline", id: "company-picker" }, [
    field("企業ID", h("input", { name: "company", required: true, value: id, size: 36 })),
    h("button", { type: "submit" }, "開く"),
  ], async ({ company }) => openCompany(company.trim()));
  const known = h("p", { class: "meta" });
  // The companies this member is staff of, as shortcuts.
  const ROLE = { owner: "オーナー", agent: "サポート担当", advertiser: "広告担当" };
  api("GET", "/me/companies").then((mine) => {
    if (mine.items.length) append(known, ["あなたの企業: ", mine.items.map((c) => h("button", { class: "small secondary", onclick: () => openCompany(c.id) }, `${c.name}（${ROLE[c.role] || c.role}）`))]);
    else if (!id) append(known, "あなたがスタッフの企業はまだありません。");
  }, () => {});
  return h("div", null, picker, known, id ? null : hint);
}

async function drawMetrics(box, id) {
  const m = await api("GET", `/companies/${enc(id)}/metrics`);
  const ratio = m.answered_within_24h_ratio === null ? "—" : `${Math.round(m.answered_within_24h_ratio * 100)}%`;
  clear(box);
  append(box, [
    h("h3", null, "公開対応実績"),
    h("p", { class: "hint" }, "全会員に公開されている数字です。"),
    h("table", { class: "kv" }, h("tbody", null,
      row("回答待ち", m.open), row("回答済み", m.answered), row("解決済み", m.resolved),
      row("初回回答までの中央値", formatDuration(m.median_first_response_s)),
      row("初回回答までの90パーセンタイル", formatDuration(m.p90_first_response_s)),
      row("24時間以内の回答率", ratio),
    )),
  ]);
}

// The API lists no company's official communities: this one comes from ?community= (the official
// community's page links here with it, checked against the company) and from the open inquiries.
async function drawModeration(box, id) {
  const found = new Map();
  const wanted = new URLSearchParams(location.search).get("community");
  if (wanted) {
    try {
      const c = await api("GET", `/communities/${enc(wanted)}`);
      if (c.company && c.company.id === id) found.set(c.id, c.name);
    } catch {
      // not a community of this company: no link
    }
  }
  try {
    const page = await api("GET", `/companies/${enc(id)}/inbox${query({ status: "open", limit: 50 })}`);
    for (const { inquiry } of page.items) if (inquiry.community) found.set(inquiry.community.id, inquiry.community.name);
  } catch {
    box.remove(); // not staff: the review queue is not theirs either
    return;
  }
  clear(box);
  append(box, [
    h("h3", null, "モデレーション"),
    h("p", { class: "hint" }, "公式コミュニティの確認待ちの投稿と通報は、スタッフが確認できます。"),
    found.size
      ? h("ul", { class: "plain" }, [...found].map(([cid, name]) => h("li", null, h("a", { href: `index.html#/mod${query({ community_id: cid })}` }, `${name} の確認待ち・通報 »`))))
      : h("p", { class: "hint" }, "公式コミュニティのページの「スタッフ用ダッシュボード」から開くと、ここにリンクが表示されます。"),
  ]);
}

function row(label, value) {
  return h("tr", null, h("th", null, label), h("td", null, String(value)));
}

async function drawInbox(box, id, status, refresh) {
  clear(box);
  const select = h("select", { name: "status", onchange: () => drawInbox(box, id, select.value, refresh) },
    Object.entries(STATUS).map(([v, l]) => h("option", { value: v, selected: v === status }, l)));
  append(box, [h("h3", null, "問い合わせ受信箱 ", select), h("p", { class: "hint" }, "古い順。回答はコメントとして公開され、「公式」と表示されます。")]);
  let page;
  try {
    page = await api("GET", `/companies/${enc(id)}/inbox${query({ status, limit: 50 })}`);
  } catch (err) {
    box.append(message("error", err.status === 403 ? "受信箱はこの企業のスタッフだけが見られます。" : err.message));
    return;
  }
  if (!page.items.length) {
    box.append(message("info", status === "open" ? "回答待ちの問い合わせはありません。" : "該当する問い合わせはありません。"));
    return;
  }
  box.append(h("ol", { class: "inbox" }, page.items.map(({ inquiry: q, waiting_s }) => h("li", { class: "inquiry" },
    h("p", { class: "meta" },
      h("span", { class: `badge status-${q.status}` }, STATUS[q.status]),
      ` ${q.community ? q.community.name : ""}・${q.author.display_name}・${formatDate(q.created_at)}・`,
      h("strong", { class: "waiting" }, `${status === "open" ? "待ち時間" : "初回回答まで"} ${formatDuration(waiting_s)}`)),
    h("h4", null, h("a", { href: `index.html#/p/${enc(q.id)}` }, q.title)),
    h("div", { class: "body" }, q.body),
    status === "resolved" ? null : form({ class: "answer" }, [
      field("公式回答", h("textarea", { name: "body", required: true, rows: 3 })),
      h("button", { type: "submit" }, "回答する"),
    ], async (values) => {
      await api("POST", `/posts/${enc(q.id)}/comments`, values);
      await refresh();
    }),
  ))));
}

async function drawCampaigns(box, id) {
  clear(box);
  box.append(h("h3", null, "広告キャンペーン"));
  let page;
  try {
    page = await api("GET", `/companies/${enc(id)}/campaigns?limit=50`);
  } catch (err) {
    box.append(message("info", err.status === 403 ? "キャンペーンはオーナーと広告担当だけが見られます。" : err.message));
    return;
  }
  if (!page.items.length) {
    box.append(message("info", "キャンペーンはまだありません。"));
    return;
  }
  box.append(h("ul", { class: "campaigns" }, page.items.map((c) => campaignItem(box, id, c))));
}

function campaignItem(box, id, c) {
  const report = h("div");
  const slot = h("div");
  return h("li", { class: "campaign" },
    h("p", null, h("strong", null, c.name), h("span", { class: `badge ${c.status === "active" ? "status-answered" : ""}` }, c.status === "active" ? "配信中" : "停止中")),
    h("p", { class: "ad-preview" }, h("span", { class: "ad-headline" }, c.headline), " ", c.text),
    h("p", { class: "meta" }, `日予算 ¥${c.daily_budget.toLocaleString("ja-JP")}・キーワード: ${c.keywords.map((k) => `${k.text}（${k.match}, 上限 ¥${k.max_cpc}）`).join("、")}`),
    h("button", { class: "small", onclick: async () => {
      try {
        const r = await api("GET", `/companies/${enc(id)}/campaigns/${enc(c.id)}/report`);
        clear(report).append(reportTable(r));
      } catch (err) { showError(slot, err); }
    } }, "レポート（7日間）"),
    " ",
    h("button", { class: "small secondary", onclick: async () => {
      try {
        await api("PATCH", `/companies/${enc(id)}/campaigns/${enc(c.id)}`, { status: c.status === "active" ? "paused" : "active" });
        await drawCampaigns(box, id);
      } catch (err) { showError(slot, err); }
    } }, c.status === "active" ? "一時停止" : "再開"),
    slot, report,
  );
}

function reportTable(r) {
  if (!r.rows.length) return message("info", "この期間の表示・クリックはありません。");
  const pct = (v) => (v === null ? "—" : `${(v * 100).toFixed(1)}%`);
  return h("table", { class: "report" },
    h("thead", null, h("tr", null, ["日付", "キーワード", "表示", "クリック", "CTR", "費用", "平均CPC"].map((t) => h("th", null, t)))),
    h("tbody", null, r.rows.map((x) => h("tr", null,
      h("td", null, x.day), h("td", null, `${x.keyword}（${x.match}）`), h("td", null, String(x.impressions)),
      h("td", null, String(x.clicks)), h("td", null, pct(x.ctr)), h("td", null, `¥${x.spend}`),
      h("td", null, x.average_cpc === null ? "—" : `¥${x.average_cpc.toFixed(1)}`),
    ))),
  );
}

window.addEventListener("popstate", render);
render();
