// Moderation in the member client (#/mod): the review queue of held posts and comments, reports,
// and for admins members (standing, bans, invite rights, the invite tree) and the audit log.
// Also the pieces the rest of the client shows: the 確認待ち marker of a held item and the report
// button. Every string from the API goes in as text (dom.js); errors are shown in Japanese, at
// their field when the API names one (400 details[].path).
import { api, enc, query } from "./api.js";
import { append, clear, field, formatDate, h, message } from "./dom.js";

// ---- errors in Japanese, at their field ----------------------------------------------------

const ERRORS = {
  admin_only: "この操作は管理者だけができます。",
  not_a_moderator: "このコミュニティのモデレーター（管理人・副管理人、公式コミュニティでは企業スタッフ）だけが見られます。",
  already_banned: "このメンバーはすでに利用停止中です。",
  not_banned: "このメンバーは利用停止されていません。",
  already_reviewed: "この投稿はすでに確認済みです。",
  already_resolved: "この通報はすでに対応済みです。",
  already_reported: "すでに通報済みです。モデレーターが確認します。",
  cannot_ban_self: "自分自身を利用停止にはできません。",
  held_for_review: "この投稿は確認待ちです。",
  not_found: "見つかりませんでした。",
  rate_limited: "操作が多すぎます。しばらくしてからもう一度お試しください。",
  network_error: "サーバーに接続できませんでした。",
};
const BY_STATUS = {
  400: "入力内容を確認してください。", 403: "この操作をする権限がありません。", 404: "見つかりませんでした。",
  409: "すでに処理されています。", 429: "操作が多すぎます。しばらくしてからもう一度お試しください。",
};
const FIELD_ERRORS = {
  missing: "入力してください。", string_too_short: "入力してください。", string_too_long: "長すぎます。",
  bool_type: "正しい値を選んでください。", bool_parsing: "正しい値を選んでください。",
  literal_error: "選択肢から選んでください。", string_type: "文字列で入力してください。",
  extra_forbidden: "この項目は使えません。",
};
const FIELD_NAMES = { reason: "理由", note: "メモ", action: "対応", permanent: "無期限", handle: "ユーザー名", target_id: "対象", target_type: "対象の種類" };

/** The user-facing sentence of an error: the code's Japanese text, else the status's, else the API's message. */
export function errorJa(err) {
  if (!err) return "";
  const text = ERRORS[err.code] || BY_STATUS[err.status] || (err.status >= 500 ? "サーバーでエラーが発生しました。時間をおいてお試しください。" : err.message || String(err));
  return err.retryAfter ? `${text}（${err.retryAfter}秒後にお試しください）` : text;
}

function fieldText(d) {
  return FIELD_ERRORS[d.type] || "入力内容が正しくありません。";
}

function showErr(slot, err) {
  clear(slot);
  if (err) slot.append(message("error", errorJa(err)));
}

/** Put each 400 detail under its input (by the last part of its path); the rest goes to `top`. */
function showFieldErrors(formEl, top, err) {
  const rest = [];
  for (const d of (err && err.status === 400 && err.details) || []) {
    const name = String(d.path || "").split(".").pop();
    const input = name ? formEl.querySelector(`[name="${CSS.escape(name)}"]`) : null;
    if (input) {
      input.setAttribute("aria-invalid", "true");
      const note = h("span", { class: "field-error", role: "alert" }, fieldText(d));
      (input.closest(".field") || input.parentElement).append(note);
    } else if (d.path) rest.push(`${FIELD_NAMES[name] || name}: ${fieldText(d)}`);
  }
  clear(top);
  if (!err) return;
  const placed = formEl.querySelector(".field-error");
  if (placed && !rest.length) return;
  top.append(message("error", [errorJa(err), ...rest].join(" ")));
}

function clearFieldErrors(formEl, top) {
  formEl.querySelectorAll(".field-error").forEach((n) => n.remove());
  formEl.querySelectorAll("[aria-invalid]").forEach((n) => n.removeAttribute("aria-invalid"));
  clear(top);
}

/** A confirmation box: the question, a yes button (red when the action is destructive) and キャンセル. */
function confirmBox(text, yesLabel, onYes, onNo, danger = true) {
  return h("div", { class: danger ? "confirm" : "confirm calm", role: "alertdialog" },
    h("p", null, text),
    h("button", { type: "button", class: danger ? "danger confirm-yes" : "confirm-yes", onclick: onYes }, yesLabel),
    h("button", { type: "button", class: "secondary confirm-no", onclick: onNo }, "キャンセル"),
  );
}

/**
 * A form whose submit calls `action(values, formEl)`; with `confirm(values)` returning a question,
 * the action only runs after the user says yes. Checkboxes come in as booleans.
 */
function modForm(props, fields, action, { confirm, yesLabel = "実行する", danger = true } = {}) {
  const top = h("div", { class: "form-msg" });
  const ask = h("div", { class: "confirm-slot" });
  const el = h("form", props, top, fields, ask);
  const run = async (values) => {
    const buttons = el.querySelectorAll("button");
    buttons.forEach((b) => (b.disabled = true));
    try {
      await action(values, el);
    } catch (err) {
      showFieldErrors(el, top, err);
    } finally {
      buttons.forEach((b) => (b.disabled = false));
    }
  };
  el.addEventListener("submit", (event) => {
    event.preventDefault();
    clearFieldErrors(el, top);
    const values = Object.fromEntries(new FormData(el).entries());
    el.querySelectorAll("input[type=checkbox]").forEach((c) => (values[c.name] = c.checked));
    const question = confirm && confirm(values);
    if (!question) return run(values);
    clear(ask).append(confirmBox(question, yesLabel, () => { clear(ask); run(values); }, () => clear(ask), danger));
  });
  return el;
}

/** A button that asks first (in `slot`, which buttons may share), then runs `action`; errors go to `slot`. */
function confirmedButton(slot, label, question, yesLabel, action, { danger = false } = {}) {
  const button = h("button", { type: "button", class: danger ? "small danger" : "small", onclick: () => {
    clear(slot).append(confirmBox(question, yesLabel, async () => {
      clear(slot);
      button.disabled = true;
      try {
        await action();
      } catch (err) {
        showErr(slot, err);
      } finally {
        button.disabled = false;
      }
    }, () => clear(slot), danger));
  } }, label);
  return button;
}

/**
 * A list that pages to its end: `fetchPage(cursor)` resolves to {items, next_cursor}; each item is
 * drawn by `draw(item)` into `list`; "もっと見る" loads the next page while there is one.
 */
async function paged(list, fetchPage, draw, emptyText) {
  const more = h("div", { class: "more" });
  const load = async (cursor) => {
    const page = await fetchPage(cursor);
    append(list, page.items.map(draw));
    clear(more);
    if (!list.children.length) more.append(message("info", emptyText));
    if (page.next_cursor) {
      more.append(h("button", { type: "button", class: "secondary more-button", onclick: async (e) => {
        e.target.disabled = true;
        try { await load(page.next_cursor); } catch (err) { e.target.disabled = false; more.prepend(message("error", errorJa(err))); }
      } }, "もっと見る"));
    }
  };
  await load(null);
  return more;
}

/** Go to a hash; the same hash again renders again (app.js renders on hashchange). */
function goTo(hash) {
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent("hashchange"));
  else location.hash = hash;
}

// ---- what the rest of the client shows -------------------------------------------------------

/** The badge of a held item in a list. */
export function heldBadge() {
  return h("span", { class: "badge held", title: "モデレーターの確認待ちです。あなた以外には表示されません。" }, "確認待ち");
}

/** The notice on a held post or comment, shown only to its author (nobody else gets it). */
export function heldNotice(kind) {
  const what = kind === "comment" ? "このコメント" : "この投稿";
  return h("div", { class: "held-notice", role: "status" },
    heldBadge(),
    h("span", null, `${what}は自動チェックにより確認待ちになりました。モデレーターが確認して承認するまで、あなた以外には表示されません。`),
  );
}

const TARGET_LABEL = { post: "この投稿", comment: "このコメント", member: "このメンバー" };

/** A 通報 button: a reason, a confirmation, then POST /reports. target_id of a comment: "<post_id>/<comment_id>". */
export function reportControl(targetType, targetId) {
  const box = h("div", { class: "report-control" });
  const open = h("button", { type: "button", class: "small secondary report-open", onclick: () => {
    open.hidden = true;
    box.append(modForm({ class: "report-form" }, [
      field(`${TARGET_LABEL[targetType]}を通報する理由`, h("textarea", { name: "reason", required: true, rows: 2, maxlength: 500 })),
      h("button", { type: "submit", class: "small danger" }, "通報する"),
      h("button", { type: "button", class: "small secondary", onclick: (e) => { e.target.closest("form").remove(); open.hidden = false; } }, "やめる"),
    ], async ({ reason }, formEl) => {
      await api("POST", "/reports", { target_type: targetType, target_id: targetId, reason });
      formEl.replaceWith(message("ok", "通報しました。モデレーターが確認します。"));
    }, { confirm: () => `${TARGET_LABEL[targetType]}を通報しますか？ モデレーターに送られます。`, yesLabel: "通報する" }));
  } }, "通報");
  box.append(open);
  return box;
}

// ---- #/mod -------------------------------------------------------------------------------------

const TABS = { held: "保留", reports: "通報", members: "メンバー", audit: "監査ログ" };
const ADMIN_TABS = new Set(["members", "audit"]);

/** The moderation screen. params: community_id, tab, handle (members), limit (page size, for long lists). */
export async function modPage(me, params) {
  const isAdmin = (me.roles || []).includes("admin");
  const communityId = params.get("community_id") || "";
  const limit = Math.min(100, Math.max(1, Number(params.get("limit")) || 20));
  const wrap = h("div", { id: "mod-page" });
  if (!isAdmin && !communityId) {
    return append(wrap, [h("h2", null, "モデレーション"), message("info", "モデレーションは担当するコミュニティのページ（管理人・副管理人、公式コミュニティでは企業スタッフ）から開いてください。")]);
  }
  let community = null;
  if (communityId) {
    try {
      community = await api("GET", `/communities/${enc(communityId)}`);
    } catch (err) {
      if (err.status === 401) throw err; // app.js goes back to the login form
      return append(wrap, [h("h2", null, "モデレーション"), message("error", errorJa(err))]);
    }
  }
  // Reports are for admins and the community's owner and moderators; company staff who moderate
  // nothing there review the held queue of their official community only.
  const moderates = community && ["owner", "moderator"].includes(community.your_role);
  const tabs = Object.keys(TABS).filter((t) => isAdmin || (t === "held" || (t === "reports" && moderates)));
  const tab = tabs.includes(params.get("tab")) ? params.get("tab") : "held";
  const hashFor = (t) => `#/mod${query({ community_id: ADMIN_TABS.has(t) ? "" : communityId, tab: t })}`;
  const scope = community
    ? h("p", { class: "meta", id: "mod-scope" }, "対象: ", h("a", { href: `#/c/${enc(community.id)}` }, community.name), community.official ? h("span", { class: "badge official" }, "公式") : null,
      isAdmin ? h("span", null, "・", h("a", { href: "#/mod" }, "すべてのコミュニティ")) : null)
    : h("p", { class: "meta", id: "mod-scope" }, "対象: すべてのコミュニティと日記（管理者）");
  const body = h("div", { class: "mod-body" });
  append(wrap, [
    h("h2", null, "モデレーション"),
    scope,
    h("div", { class: "tabs", role: "tablist" }, tabs.map((t) => h("a", { href: hashFor(t), role: "tab", class: t === tab ? "active" : null, "data-tab": t }, TABS[t]))),
    body,
  ]);
  const ctx = { me, isAdmin, communityId, limit, params };
  try {
    if (tab === "held") await heldTab(body, ctx);
    else if (tab === "reports") await reportsTab(body, ctx);
    else if (tab === "members") await membersTab(body, ctx);
    else await auditTab(body, ctx);
  } catch (err) {
    if (err.status === 401) throw err;
    showErr(body, err);
  }
  return wrap;
}

// ---- 保留: the review queue ----------------------------------------------------------------------

const SIGNALS = {
  outside_links: "外部リンク", link_shortener: "短縮URL", blog_link: "ブログへのリンク", suspicious_tld: "不審なドメイン",
  lookalike_host: "企業名に似たドメイン", mostly_links: "ほとんどリンクだけ", duplicate_other_members: "他の会員と同じ文面",
  duplicate_own: "自分の投稿の繰り返し", generic_praise: "中身のない褒め言葉", bookmark_share: "ブックマーク・共有の定型文",
  self_promotion: "自分のサイトの宣伝", lure: "勧誘・誘い文句", off_platform_contact: "外部の連絡先",
  fast_new_member: "新しい会員の連続投稿", fast_writer: "短時間の連続投稿", mojibake: "文字化け", seo_keywords: "SEO キーワードの詰め込み",
};
const HELD_STATUS = { held: "確認待ち", approved: "承認済み", rejected: "却下済み", gone: "削除済み" };

async function heldTab(box, { communityId, limit }) {
  append(box, h("p", { class: "hint" }, "自動チェックで保留になったトピックとコメント（古い順）。承認すると書かれた日時で公開され、却下すると削除されます。"));
  const list = h("ol", { class: "mod-list", id: "held-list" });
  box.append(list);
  box.append(await paged(list, (cursor) => api("GET", `/admin/held${query({ community_id: communityId, limit, cursor })}`), heldItem, "確認待ちの投稿はありません。"));
}

function heldItem(item) {
  const what = item.type === "comment" ? "コメント" : "トピック";
  const status = h("span", { class: `badge held-status status-${item.status}` }, HELD_STATUS[item.status] || item.status);
  const actions = h("div", { class: "actions" });
  const decided = (out, text) => {
    status.textContent = HELD_STATUS[out.status] || out.status;
    status.className = `badge held-status status-${out.status}`;
    append(clear(actions), [message("ok", text), out.status === "approved" ? h("a", { href: `#/p/${enc(out.post_id)}` }, out.type === "comment" ? "コメントのあるトピックを開く »" : "公開されたトピックを開く »") : null]);
  };
  if (item.status === "held") {
    const ask = h("div", { class: "confirm-slot" });
    append(actions, [
      confirmedButton(ask, "承認する", `この${what}を承認して公開しますか？`, "承認して公開", async () => {
        decided(await api("POST", `/admin/held/${enc(item.id)}/approve`), `承認しました。この${what}は公開されました。`);
      }),
      confirmedButton(ask, "却下する", `この${what}を却下しますか？ 削除され、元に戻せません。`, "却下して削除", async () => {
        decided(await api("POST", `/admin/held/${enc(item.id)}/reject`), `却下しました。この${what}は削除されました。`);
      }, { danger: true }),
      ask,
    ]);
  }
  return h("li", { class: "held-item", "data-held-id": item.id },
    h("p", { class: "meta" },
      h("span", { class: "badge" }, what), status,
      ` ${item.author.display_name}`, item.author.handle ? ` @${item.author.handle}` : "", `・${formatDate(item.created_at)}`),
    h("h4", null, item.type === "comment" ? h("span", null, "「", h("a", { href: `#/p/${enc(item.post_id)}` }, item.title), "」へのコメント") : item.title),
    h("div", { class: "body" }, item.body),
    h("div", { class: "signals" },
      h("p", { class: "score" }, "スコア ", h("strong", null, item.score.toFixed(2)), ` / 保留のしきい値 ${item.threshold.toFixed(2)}`),
      item.signals.length
        ? h("table", { class: "signals-table" },
          h("thead", null, h("tr", null, h("th", null, "シグナル"), h("th", null, "重み"), h("th", null, "詳細"))),
          h("tbody", null, item.signals.map((s) => h("tr", null,
            h("td", null, SIGNALS[s.name] || s.name, h("code", null, s.name)),
            h("td", { class: "num" }, s.weight.toFixed(2)),
            h("td", null, s.detail),
          ))))
        : h("p", { class: "hint" }, "シグナルはありません。"),
    ),
    actions,
  );
}

// ---- 通報: reports ---------------------------------------------------------------------------------

const ACTIONS = { dismiss: "問題なし（通報を却下）", remove_content: "内容を削除する", ban_member: "投稿者を利用停止にする" };
const DONE = { dismiss: "問題なし", remove_content: "内容を削除", ban_member: "利用停止" };
const TARGETS = { post: "投稿", comment: "コメント", member: "メンバー" };

async function reportsTab(box, { isAdmin, communityId, limit, params }) {
  const status = params.get("status") === "resolved" ? "resolved" : "open";
  const select = h("select", { name: "status", id: "report-status", onchange: () => {
    goTo(`#/mod${query({ community_id: communityId, tab: "reports", status: select.value })}`);
  } }, Object.entries({ open: "未対応", resolved: "対応済み" }).map(([v, l]) => h("option", { value: v, selected: v === status }, l)));
  append(box, [
    h("p", { class: "hint" }, "会員からの通報（古い順）。対応すると、同じ対象への他の通報もまとめて対応済みになります。"),
    h("div", { class: "filter" }, field("表示", select)),
  ]);
  const list = h("ol", { class: "mod-list", id: "report-list" });
  box.append(list);
  box.append(await paged(list, (cursor) => api("GET", `/admin/reports${query({ status, community_id: communityId, limit, cursor })}`),
    (r) => reportItem(r, isAdmin), status === "open" ? "未対応の通報はありません。" : "対応済みの通報はありません。"));
}

function targetLink(r) {
  if (r.target_type === "member") return h("a", { href: `#/m/${enc(r.target_id)}` }, `@${r.target_id}`);
  const postId = r.target_type === "comment" ? r.target_id.split("/")[0] : r.target_id;
  return h("a", { href: `#/p/${enc(postId)}` }, r.target_type === "comment" ? "コメントのあるトピックを開く" : "投稿を開く");
}

function reportItem(r, isAdmin) {
  const item = h("li", { class: "report-item", "data-report-id": r.id });
  const draw = (rep) => {
    clear(item);
    append(item, [
      h("p", { class: "meta" }, h("span", { class: "badge" }, TARGETS[rep.target_type] || rep.target_type),
        h("span", { class: `badge status-${rep.status}` }, rep.status === "open" ? "未対応" : "対応済み"),
        ` 通報者 @${rep.reporter}・${formatDate(rep.created_at)}・`, targetLink(rep)),
      h("p", { class: "reason" }, h("span", { class: "label" }, "理由: "), rep.reason),
      rep.status === "resolved"
        ? h("p", { class: "meta resolution" }, `対応: ${DONE[rep.action] || rep.action}・@${rep.resolved_by || "—"}・${rep.resolved_at ? formatDate(rep.resolved_at) : ""}`, rep.note ? `・メモ: ${rep.note}` : "")
        : resolveForm(rep, isAdmin, draw),
    ]);
  };
  draw(r);
  return item;
}

function resolveForm(r, isAdmin, redraw) {
  const actions = Object.entries(ACTIONS).filter(([v]) => isAdmin || v !== "ban_member");
  return modForm({ class: "resolve-form inline-form" }, [
    field("対応", h("select", { name: "action" }, actions.map(([v, l]) => h("option", { value: v }, l)))),
    field("メモ（任意）", h("input", { name: "note", maxlength: 500 })),
    h("button", { type: "submit" }, "対応する"),
  ], async ({ action, note }) => {
    redraw(await api("POST", `/admin/reports/${enc(r.id)}/resolve`, { action, note: note || null }));
  }, {
    confirm: ({ action }) => ({
      remove_content: `通報された${TARGETS[r.target_type]}を削除しますか？ 元に戻せません。`,
      ban_member: "通報された会員を利用停止にしますか？ 停止期間は回数に応じて長くなります。",
    })[action],
    yesLabel: "実行する",
  });
}

// ---- メンバー: standing, bans, invite rights, the invite tree (admins) -----------------------------

const MEMBER_STATUS = { active: "利用中", banned: "利用停止中", withdrawn: "退会済み" };

async function membersTab(box, { params }) {
  const handle = (params.get("handle") || "").trim().replace(/^@/, "");
  box.append(modForm({ class: "card inline", id: "member-lookup" }, [
    field("ユーザー名", h("input", { name: "handle", required: true, value: handle, placeholder: "例: hanako", autocomplete: "off" })),
    h("button", { type: "submit" }, "調べる"),
  ], async ({ handle: typed }) => {
    goTo(`#/mod${query({ tab: "members", handle: typed.trim().replace(/^@/, "") })}`);
  }));
  if (!handle) {
    box.append(h("p", { class: "hint" }, "ユーザー名で会員を調べると、状態・利用停止の履歴・招待した会員のツリーが表示されます。"));
    return;
  }
  const result = h("div", { id: "member-result" });
  box.append(result);
  const flash = h("div", { class: "flash" });
  const load = async () => {
    const tree = await api("GET", `/admin/members/${enc(handle)}/tree`);
    clear(result).append(flash, standingCard(tree.root, reload), inviteTree(tree));
  };
  const reload = async (text) => {
    clear(flash);
    if (text) flash.append(message("ok", text));
    await load();
  };
  try {
    await load();
  } catch (err) {
    if (err.status === 401) throw err;
    showErr(result, err);
  }
}

function standingCard(s, reload) {
  const banned = s.status === "banned";
  const row = (label, value) => [h("dt", null, label), h("dd", null, value)];
  const card = h("section", { class: "card standing", id: "standing" },
    h("h3", null, `${s.display_name} @${s.handle}`, h("span", { class: `badge member-${s.status}` }, MEMBER_STATUS[s.status] || s.status)),
    h("dl", null,
      row("状態", MEMBER_STATUS[s.status] || s.status),
      row("登録日", formatDate(s.joined_at)),
      row("招待者", s.invited_by ? h("a", { href: `#/mod${query({ tab: "members", handle: s.invited_by })}` }, `@${s.invited_by}`) : "—"),
      row("利用停止の回数", `${s.ban_count}回`),
      banned ? row("停止期限", s.banned_until ? formatDate(s.banned_until) : "無期限") : null,
      s.ban_reason ? row("停止の理由", s.ban_reason) : null,
      row("招待した会員の停止", `${s.invitee_bans}人`),
      row("招待", s.may_invite ? `できる（残り ${s.invites_left}）` : "停止中（管理者が回復できます）"),
    ),
  );
  const forms = h("div", { class: "standing-actions" });
  if (s.status === "active") {
    forms.append(modForm({ class: "ban-form" }, [
      h("h4", null, "利用停止にする"),
      h("p", { class: "hint" }, "停止期間は回数に応じて 24時間 → 72時間 → 1週間 → 30日 → 無期限。停止中はログインできず、投稿・コメント・日記は非表示になります。招待した会員の招待数が1つ減ります。"),
      field("理由（本人の記録と監査ログに残ります）", h("textarea", { name: "reason", required: true, rows: 2, maxlength: 500 })),
      h("label", { class: "check" }, h("input", { type: "checkbox", name: "permanent" }), " 無期限で停止する（段階を飛ばす）"),
      h("button", { type: "submit", class: "danger" }, "利用停止にする"),
    ], async ({ reason, permanent }) => {
      const ban = await api("POST", `/admin/members/${enc(s.handle)}/ban`, { reason, permanent });
      await reload(`@${ban.handle} を利用停止にしました（${ban.level}回目・${ban.permanent ? "無期限" : `${formatDate(ban.until)} まで`}）。`);
    }, {
      confirm: ({ permanent }) => `@${s.handle} を${permanent ? "無期限で" : ""}利用停止にしますか？ ログイン中のセッションもすぐに終了します。`,
      yesLabel: "利用停止にする",
    }));
  }
  if (banned) {
    forms.append(modForm({ class: "unban-form" }, [
      h("h4", null, "利用停止を解除する"),
      field("理由", h("textarea", { name: "reason", required: true, rows: 2, maxlength: 500 })),
      h("button", { type: "submit" }, "停止を解除する"),
    ], async ({ reason }) => {
      const st = await api("POST", `/admin/members/${enc(s.handle)}/unban`, { reason });
      await reload(`@${st.handle} の利用停止を解除しました。`);
    }));
  }
  if (!s.may_invite) {
    forms.append(modForm({ class: "invite-rights-form" }, [
      h("h4", null, "招待する権利を戻す"),
      h("p", { class: "hint" }, `招待した会員のうち ${s.invitee_bans}人が利用停止になったため、招待できなくなっています。`),
      field("理由", h("textarea", { name: "reason", required: true, rows: 2, maxlength: 500 })),
      h("button", { type: "submit" }, "招待権を戻す"),
    ], async ({ reason }) => {
      const st = await api("POST", `/admin/members/${enc(s.handle)}/invite-rights`, { reason });
      await reload(`@${st.handle} は再び招待できます。`);
    }));
  }
  return append(card, forms);
}

function inviteTree(tree) {
  const node = (n) => h("li", { class: `tree-node member-${n.status}` },
    h("a", { href: `#/mod${query({ tab: "members", handle: n.handle })}` }, `@${n.handle}`),
    ` ${n.display_name} `,
    h("span", { class: `badge member-${n.status}` }, MEMBER_STATUS[n.status] || n.status),
    n.ban_count ? h("span", { class: "meta" }, ` 停止${n.ban_count}回`) : null,
    n.invitee_bans ? h("span", { class: "meta" }, ` 招待した会員の停止${n.invitee_bans}人`) : null,
    n.may_invite ? null : h("span", { class: "badge member-banned" }, "招待停止"),
    n.invitees.length ? h("ul", { class: "tree" }, n.invitees.map(node)) : null,
  );
  return h("section", { class: "card", id: "invite-tree" },
    h("h3", null, `招待ツリー（${tree.members}人）`),
    tree.truncated ? message("info", "大きなツリーのため一部だけを表示しています。下の会員を選ぶと、その先を表示します。") : null,
    h("ul", { class: "tree root" }, node(tree.root)),
  );
}

// ---- 監査ログ: the audit log (admins) ----------------------------------------------------------

const AUDIT_ACTIONS = {
  ban: "利用停止", lift_ban: "停止解除", restore_invite_rights: "招待権の回復", invite_rights_revoked: "招待権の停止",
  report_dismiss: "通報: 問題なし", report_remove_content: "通報: 内容を削除", report_ban_member: "通報: 利用停止",
  held_approved: "保留: 承認", held_rejected: "保留: 却下",
};

async function auditTab(box, { limit }) {
  append(box, h("p", { class: "hint" }, "モデレーションの記録（新しい順）: 誰が・何を・いつ・なぜ。"));
  const body = h("tbody", { id: "audit-list" });
  box.append(h("table", { class: "audit" },
    h("thead", null, h("tr", null, ["日時", "実行者", "操作", "対象", "理由", "詳細"].map((t) => h("th", null, t)))), body));
  box.append(await paged(body, (cursor) => api("GET", `/admin/audit${query({ limit, cursor })}`), auditRow, "記録はまだありません。"));
}

/** Long hex ids shortened for the table (the whole id stays in the title attribute). */
function shortIds(text) {
  return String(text).replace(/[0-9a-f]{20,}/g, (id) => `${id.slice(0, 8)}…`);
}

function auditRow(e) {
  const postId = e.target_type === "post" || e.target_type === "comment" ? e.target_id.split("/")[0] : null;
  const target = e.target_type === "member"
    ? h("a", { href: `#/mod${query({ tab: "members", handle: e.target_id })}` }, `@${e.target_id}`)
    : [`${TARGETS[e.target_type] || e.target_type} `, h(postId ? "a" : "span", { href: postId ? `#/p/${enc(postId)}` : null, class: "id", title: e.target_id }, shortIds(e.target_id))];
  const details = Object.entries(e.details || {}).filter(([, v]) => v !== null && v !== undefined);
  return h("tr", { class: "audit-entry", "data-action": e.action },
    h("td", { class: "when" }, formatDate(e.at)),
    h("td", null, e.actor === "system" ? "システム" : `@${e.actor}`),
    h("td", { class: "action" }, AUDIT_ACTIONS[e.action] || e.action),
    h("td", { class: "target" }, target),
    h("td", { class: "reason" }, e.reason || "—"),
    h("td", { class: "details" }, details.map(([k, v]) => {
      const shown = typeof v === "object" ? JSON.stringify(v) : /^\d{4}-\d\d-\d\dT/.test(String(v)) ? formatDate(v) : v;
      const text = `${k}: ${shown}`;
      return h("span", { class: "detail", title: text }, shortIds(text));
    })),
  );
}
