import { describe, expect, test } from "vitest";
import {
  campaignBody,
  draftOf,
  duplicateKeywords,
  emptyDraft,
  emptyKeyword,
  fieldKey,
  formatDuration,
  formatJst,
  numberOf,
  parseTarget,
  perDay,
  perKeyword,
} from "./logic";

const row = (day: string, keyword: string, n: Partial<{ impressions: number; clicks: number; spend: number; invalid_clicks: number }> = {}) => ({
  day,
  keyword,
  match: "broad" as const,
  impressions: n.impressions ?? 0,
  clicks: n.clicks ?? 0,
  ctr: null,
  spend: n.spend ?? 0,
  average_cpc: null,
  invalid_clicks: n.invalid_clicks ?? 0,
});

describe("where an API field error goes in the campaign form", () => {
  test("a keyword row's field keeps its row index", () => {
    expect(fieldKey("keywords.0.max_cpc")).toBe("kw.0.max_cpc");
    expect(fieldKey("keywords.12.text")).toBe("kw.12.text");
    expect(fieldKey("keywords.3")).toBe("kw.3.text");
    expect(fieldKey("keywords")).toBe("keywords");
  });
  test("negative keywords, the target and the plain fields", () => {
    expect(fieldKey("negative_keywords.2")).toBe("neg.2");
    expect(fieldKey("negative_keywords")).toBe("negatives");
    expect(fieldKey("target.id")).toBe("target");
    expect(fieldKey("target")).toBe("target");
    expect(fieldKey("headline")).toBe("headline");
    expect(fieldKey("daily_budget")).toBe("daily_budget");
  });
  test("a path naming no field (a model-wide check) is not placed", () => {
    expect(fieldKey("")).toBeNull();
    expect(fieldKey("something_else")).toBeNull();
  });
});

describe("the campaign body", () => {
  test("numbers become integers, other text is passed on for the API to refuse at the field", () => {
    expect(numberOf(" 40 ")).toBe(40);
    expect(numberOf("0")).toBe(0);
    expect(numberOf("1.5")).toBe("1.5");
    expect(numberOf("")).toBeUndefined();
  });
  test("rows keep their order (an error's index is the row's); empty required text is left out on create", () => {
    const d = emptyDraft("community:c1");
    d.keywords = [{ ...emptyKeyword(), text: "RPG", max_cpc: "40" }, { ...emptyKeyword(), text: "DS", match: "exact", max_cpc: "" }];
    d.negatives = [{ uid: 1, text: "中古" }];
    d.daily_budget = "5000";
    const body = campaignBody(d, true);
    expect(body).toEqual({
      target: { type: "community", id: "c1" },
      keywords: [
        { text: "RPG", match: "broad", max_cpc: 40 },
        { text: "DS", match: "exact" },
      ],
      negative_keywords: ["中古"],
      daily_budget: 5000,
      status: "active",
    });
  });
  test("an edit sends every field, without status", () => {
    const c = {
      id: "x", company_id: "co", name: "春", target: { type: "post" as const, id: "p1" }, headline: "見出し", text: "本文",
      keywords: [{ text: "RPG", match: "phrase" as const, max_cpc: 30 }], negative_keywords: [], daily_budget: 100,
      status: "paused" as const, created_at: "", updated_at: "",
    };
    const body = campaignBody(draftOf(c), false);
    expect(body).toEqual({
      name: "春", target: { type: "post", id: "p1" }, headline: "見出し", text: "本文",
      keywords: [{ text: "RPG", match: "phrase", max_cpc: 30 }], negative_keywords: [], daily_budget: 100,
    });
  });
  test("targets", () => {
    expect(parseTarget("post:abc")).toEqual({ type: "post", id: "abc" });
    expect(parseTarget("")).toBeNull();
  });
  test("a keyword listed twice (same text ignoring case, same match) is found", () => {
    const rows = [
      { ...emptyKeyword(), text: "RPG" },
      { ...emptyKeyword(), text: "rpg " },
      { ...emptyKeyword(), text: "RPG", match: "exact" as const },
    ];
    expect(duplicateKeywords(rows)).toEqual([1]);
  });
});

describe("the report summed", () => {
  const rows = [
    row("2026-01-02", "RPG", { impressions: 10, clicks: 2, spend: 60, invalid_clicks: 1 }),
    row("2026-01-01", "RPG", { impressions: 5, clicks: 1, spend: 30 }),
    row("2026-01-02", "DS", { impressions: 4, clicks: 0 }),
    row("2026-01-01", "DS", { impressions: 1, clicks: 1, spend: 20 }),
  ];
  test("per day, in day order", () => {
    expect(perDay(rows)).toEqual([
      { day: "2026-01-01", impressions: 6, clicks: 2, invalid_clicks: 0, spend: 50 },
      { day: "2026-01-02", impressions: 14, clicks: 2, invalid_clicks: 1, spend: 60 },
    ]);
  });
  test("per keyword, in the campaign's order", () => {
    expect(perKeyword(rows).map((k) => [k.keyword, k.impressions, k.spend])).toEqual([
      ["RPG", 15, 90],
      ["DS", 5, 20],
    ]);
  });
});

describe("durations", () => {
  test("in both languages", () => {
    expect(formatDuration(42, "ja")).toBe("42秒");
    expect(formatDuration(3 * 3600 + 12 * 60, "ja")).toBe("3時間12分");
    expect(formatDuration(3 * 3600 + 12 * 60, "en")).toBe("3 h 12 min");
    expect(formatDuration(2 * 86400 + 5 * 3600 + 60, "ja")).toBe("2日5時間");
    expect(formatDuration(null, "en")).toBe("—");
  });
});

describe("Japan time", () => {
  test("a UTC moment is shown as the Japan day and hour", () => {
    const d = new Date("2026-01-31T15:30:00Z"); // 00:30 on 1 February in Tokyo
    expect(formatJst(d, "en")).toContain("1 Feb 2026");
    expect(formatJst(d, "en")).toContain("00:30");
    expect(formatJst(d, "ja")).toContain("2026/02/01");
  });
});
