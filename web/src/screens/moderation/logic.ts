// The pure rules of the moderation and notifications screens: who sees which tab, page sizes, the
// text of codes the API sends (signal names, audit actions), where a notification leads, and the
// placeholders of a message template (so member content goes into the page as text nodes).
import type { S } from "../../api";
import { formatDate, has, t } from "../../i18n";
import { href } from "../../router";

export type Tab = "held" | "reports" | "members" | "audit";
export const TABS: Tab[] = ["held", "reports", "members", "audit"];
/** Tabs about the whole network, not one community: admins only, never scoped to a community. */
export const ADMIN_TABS = new Set<Tab>(["members", "audit"]);

/**
 * The tabs a member sees. Admins: all. A community's owner and moderators: its held queue and its
 * reports. Its company's staff (an official community): the held queue only. Anyone else: none
 * (the API would answer 403 not_a_moderator).
 */
export function visibleTabs(isAdmin: boolean, yourRole: string | null | undefined, staff = false): Tab[] {
  if (isAdmin) return TABS;
  if (yourRole === "owner" || yourRole === "moderator") return ["held", "reports"];
  return staff ? ["held"] : [];
}

/** Whether the page must ask GET /me/companies: a non-admin who does not moderate an official community. */
export function needsStaffCheck(isAdmin: boolean, community: Pick<S["CommunityOut"], "your_role" | "company"> | null): boolean {
  return !isAdmin && !!community?.company && visibleTabs(false, community.your_role).length === 0;
}

/** What every tab is given. */
export type TabProps = { isAdmin: boolean; communityId: string; limit: number; query: URLSearchParams };

/** The URL of a tab: the network-wide tabs drop the community. */
export function tabHref(tab: Tab, communityId: string, extra: Record<string, string | number | undefined> = {}): string {
  return href("/mod", { community_id: ADMIN_TABS.has(tab) ? undefined : communityId, tab, ...extra });
}

/** The tab of the URL if the member may see it, else the first one. */
export function chooseTab(wanted: string | null, tabs: Tab[]): Tab {
  return tabs.includes(wanted as Tab) ? (wanted as Tab) : tabs[0];
}

/** `&limit=` of the URL: a page size of 1 to 100, 20 by default. */
export function pageSize(raw: string | null | undefined): number {
  const n = Math.floor(Number(raw));
  if (!raw || !Number.isFinite(n) || n < 1) return 20;
  return Math.min(100, n);
}

/** A handle as typed (` @hanako `) as the API wants it. */
export function normalHandle(typed: string): string {
  return typed.trim().replace(/^@/, "");
}

/** Long hex ids shortened for a table (the whole id stays in the title attribute). */
export function shortIds(text: string): string {
  return text.replace(/[0-9a-f]{20,}/g, (id) => `${id.slice(0, 8)}…`);
}

/** The post a report or audit target is about: a post's id, or a comment's `<post_id>/<comment_id>`. */
export function postIdOf(targetType: string, targetId: string): string | null {
  if (targetType === "post") return targetId;
  if (targetType === "comment") return targetId.split("/")[0];
  return null;
}

/** The message `<prefix>.<code>` if the table has it, else the code itself (a code newer than the client). */
export function label(prefix: string, code: string): string {
  const key = `${prefix}.${code}`;
  return has(key) ? t(key) : code;
}

/** One audit detail as `name: value`, dates and `permanent` in the reader's language. */
export function detailText(name: string, value: unknown): string {
  let shown: string;
  if (value === "permanent") shown = t("mod.audit.detail.permanent");
  else if (typeof value === "string" && /^\d{4}-\d\d-\d\dT/.test(value)) shown = formatDate(value);
  else if (typeof value === "object" && value !== null) shown = JSON.stringify(value);
  else shown = String(value);
  return `${label("mod.audit.detail", name)}: ${shown}`;
}

/** The audit entry's details worth showing (no nulls), in the API's order. */
export function details(entry: Pick<S["AuditOut"], "details">): [string, unknown][] {
  return Object.entries(entry.details ?? {}).filter(([, v]) => v !== null && v !== undefined);
}

export type Part = { text: string } | { slot: string };

/** `あなたの投稿「{title}」` → text and slots, so that a slot can be filled with an element (as text). */
export function splitTemplate(template: string): Part[] {
  const parts: Part[] = [];
  const re = /\{(\w+)\}/g;
  let last = 0;
  for (let m = re.exec(template); m; m = re.exec(template)) {
    if (m.index > last) parts.push({ text: template.slice(last, m.index) });
    parts.push({ slot: m[1] });
    last = m.index + m[0].length;
  }
  if (last < template.length) parts.push({ text: template.slice(last) });
  return parts;
}

// ---- notifications ----------------------------------------------------------------------------

export type Notification = S["NotificationOut"];

/** Where opening a notification leads. */
export function notificationHref(n: Notification): string {
  const handle = n.actor?.handle;
  switch (n.kind) {
    case "friend_request":
      return href("/friends", { tab: "received" });
    case "friend_accepted":
    case "invitee_joined":
      return handle ? href(`/m/${encodeURIComponent(handle)}`) : href("/friends");
    case "new_inquiry":
      if (n.company_id) return href(`/dashboard/${encodeURIComponent(n.company_id)}`, { tab: "inbox" });
      break;
    default:
      break;
  }
  if (n.post_id) return href(`/p/${encodeURIComponent(n.post_id)}`);
  if (n.community_id) return href(`/c/${encodeURIComponent(n.community_id)}`);
  return href("/notifications");
}

const KINDS = new Set<string>([
  "comment", "official_answer", "friend_request", "friend_accepted", "invitee_joined",
  "held_approved", "held_rejected", "new_inquiry",
]); // fmt: skip

/** The message key of a notification's sentence (`{actor}`, `{title}` and `{company}` are its slots). */
export function notificationKey(n: Pick<Notification, "kind" | "actor"> & { company?: Notification["company"] }): string {
  if (!KINDS.has(n.kind)) return "notifications.kind.other";
  if (n.kind === "official_answer" && !n.actor) return "notifications.kind.official_answer_noactor";
  // The company that answered, or was asked, is named where the API gives it.
  if ((n.kind === "official_answer" || n.kind === "new_inquiry") && n.company) return `notifications.kind.${n.kind}_company`;
  return `notifications.kind.${n.kind}`;
}
