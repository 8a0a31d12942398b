// The dashboard's pure logic: the campaign form's limits and body, where an API field error goes
// in the form, a report summed per day and keyword, durations in words. No DOM, no API calls.
import type { S } from "../../api";

/** The limits of a campaign, as chalicelib/placements/models.py sets them (CampaignCreate, KeywordIn). */
export const LIMITS = {
  name: 100,
  headline: 30,
  text: 90,
  keyword: 50,
  keywords: 50,
  negativeKeywords: 50,
  minCpc: 1,
  maxCpc: 100_000,
  minBudget: 1,
  maxBudget: 100_000_000,
} as const;

export const MATCH_TYPES = ["exact", "phrase", "broad"] as const;
export type MatchType = (typeof MATCH_TYPES)[number];

export type KeywordRow = { uid: number; text: string; match: MatchType; max_cpc: string };
export type NegativeRow = { uid: number; text: string };

/** What the form holds: text as typed (numbers too), so that a wrong one reaches the API's check. */
export type CampaignDraft = {
  name: string;
  /** `community:<id>` or `post:<id>`. */
  target: string;
  headline: string;
  text: string;
  keywords: KeywordRow[];
  negatives: NegativeRow[];
  daily_budget: string;
  status: "active" | "paused";
};

let nextUid = 1;
export const uid = (): number => nextUid++;

export function emptyKeyword(): KeywordRow {
  return { uid: uid(), text: "", match: "broad", max_cpc: "" };
}

export function emptyDraft(target = ""): CampaignDraft {
  return {
    name: "",
    target,
    headline: "",
    text: "",
    keywords: [emptyKeyword()],
    negatives: [],
    daily_budget: "",
    status: "active",
  };
}

export function draftOf(c: S["CampaignOut"]): CampaignDraft {
  return {
    name: c.name,
    target: `${c.target.type}:${c.target.id}`,
    headline: c.headline,
    text: c.text,
    keywords: c.keywords.map((k) => ({ uid: uid(), text: k.text, match: k.match, max_cpc: String(k.max_cpc) })),
    negatives: c.negative_keywords.map((text) => ({ uid: uid(), text })),
    daily_budget: String(c.daily_budget),
    status: c.status,
  };
}

export const targetValue = (type: "community" | "post", id: string): string => `${type}:${id}`;

export function parseTarget(value: string): S["TargetIn"] | null {
  const m = /^(community|post):(.+)$/.exec(value);
  return m ? { type: m[1] as "community" | "post", id: m[2] } : null;
}

/**
 * A number field as the API should see it: an integer when the text is one, else the text itself
 * (so that the API says at the field that it is not an integer), and undefined when empty (missing).
 */
export function numberOf(text: string): number | string | undefined {
  const s = text.trim();
  if (!s) return undefined;
  return /^-?\d+$/.test(s) ? Number(s) : s;
}

/** The JSON body of a new campaign or of an edit (every field; the rows keep their order, so an error's index is the row's). */
export function campaignBody(d: CampaignDraft, create: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {
    name: d.name,
    target: parseTarget(d.target) ?? undefined,
    headline: d.headline,
    text: d.text,
    keywords: d.keywords.map((k) => ({ text: k.text, match: k.match, max_cpc: numberOf(k.max_cpc) })),
    negative_keywords: d.negatives.map((n) => n.text),
    daily_budget: numberOf(d.daily_budget),
  };
  if (create) body.status = d.status;
  // An empty required field is left out: the API then says "missing" (please fill in) at it.
  for (const k of ["name", "headline", "text"]) if (create && !(body[k] as string).trim()) delete body[k];
  return JSON.parse(JSON.stringify(body)) as Record<string, unknown>;
}

/**
 * Where a field error of the API goes in the campaign form: `keywords.0.max_cpc` → `kw.0.max_cpc`,
 * `negative_keywords.2` → `neg.2`, `target.id` → `target`; a path naming no field → null (shown above the button).
 */
export function fieldKey(path: string): string | null {
  const parts = path.split(".").filter(Boolean);
  const [head, i, leaf] = parts;
  switch (head) {
    case "name":
    case "headline":
    case "text":
    case "daily_budget":
    case "status":
      return head;
    case "target":
      return "target";
    case "keywords":
      if (i !== undefined && /^\d+$/.test(i)) return leaf ? `kw.${i}.${leaf}` : `kw.${i}.text`;
      return "keywords";
    case "negative_keywords":
      if (i !== undefined && /^\d+$/.test(i)) return `neg.${i}`;
      return "negatives";
    default:
      return null;
  }
}

/** The keyword rows listed twice (same text, case-insensitive, and match), as the API refuses them: row index → true. */
export function duplicateKeywords(rows: KeywordRow[]): number[] {
  const seen = new Set<string>();
  const dup: number[] = [];
  rows.forEach((k, i) => {
    const text = k.text.trim().toLowerCase();
    if (!text) return;
    const key = `${k.match}\u0000${text}`;
    if (seen.has(key)) dup.push(i);
    seen.add(key);
  });
  return dup;
}

export type DayTotals = { day: string; impressions: number; clicks: number; invalid_clicks: number; spend: number };
export type KeywordTotals = { keyword: string; match: MatchType; impressions: number; clicks: number; invalid_clicks: number; spend: number };

/** The report's rows (one per day and keyword) summed per day, in day order. */
export function perDay(rows: S["ReportRow"][]): DayTotals[] {
  const days = new Map<string, DayTotals>();
  for (const r of rows) {
    const d = days.get(r.day) ?? { day: r.day, impressions: 0, clicks: 0, invalid_clicks: 0, spend: 0 };
    d.impressions += r.impressions;
    d.clicks += r.clicks;
    d.invalid_clicks += r.invalid_clicks ?? 0;
    d.spend += r.spend;
    days.set(r.day, d);
  }
  return [...days.values()].sort((a, b) => a.day.localeCompare(b.day));
}

/** The report's rows summed per keyword (and match), in the campaign's order. */
export function perKeyword(rows: S["ReportRow"][]): KeywordTotals[] {
  const out = new Map<string, KeywordTotals>();
  for (const r of rows) {
    const key = `${r.match}:${r.keyword}`;
    const k = out.get(key) ?? { keyword: r.keyword, match: r.match, impressions: 0, clicks: 0, invalid_clicks: 0, spend: 0 };
    k.impressions += r.impressions;
    k.clicks += r.clicks;
    k.invalid_clicks += r.invalid_clicks ?? 0;
    k.spend += r.spend;
    out.set(key, k);
  }
  return [...out.values()];
}

/** clicks / impressions, null without impressions. */
export const ctr = (clicks: number, impressions: number): number | null => (impressions ? clicks / impressions : null);
/** spend / clicks, null without clicks. */
export const averageCpc = (spend: number, clicks: number): number | null => (clicks ? spend / clicks : null);

/** A waiting time in words: `3時間12分` / `3 h 12 min`; under a minute as seconds. */
export function formatDuration(seconds: number | null | undefined, lang: "ja" | "en"): string {
  if (seconds === null || seconds === undefined) return "—";
  const s = Math.max(0, Math.round(seconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ja = lang === "ja";
  if (s < 60) return ja ? `${s}秒` : `${s} s`;
  const parts: string[] = [];
  if (d) parts.push(ja ? `${d}日` : `${d} d`);
  if (h) parts.push(ja ? `${h}時間` : `${h} h`);
  if (m && !d) parts.push(ja ? `${m}分` : `${m} min`);
  return parts.join(ja ? "" : " ") || (ja ? "0分" : "0 min");
}

/** Whether `s` is a day such as 2026-01-31 (what <input type=date> gives). */
export const isDay = (s: string | null | undefined): s is string => !!s && /^\d{4}-\d{2}-\d{2}$/.test(s);

/** A moment as a date and time in Japan (the days of budgets and reports), e.g. `2026/12/02 9:25`. */
export function formatJst(d: Date, lang: "ja" | "en"): string {
  return new Intl.DateTimeFormat(lang === "ja" ? "ja-JP" : "en-GB", { timeZone: "Asia/Tokyo", dateStyle: "medium", timeStyle: "short" }).format(d);
}
