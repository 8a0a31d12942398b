import { describe, expect, test } from "vitest";
import { render } from "preact";
import { act } from "preact/test-utils";
import { CATEGORIES, formatDuration, inviteUrl, mergeById, safeWebsite } from "./common";
import { usePagedToEnd } from "./paging";
import { type MemberView, relationOf } from "./profile";
import { ja, en } from "../../i18n/member";

describe("member helpers", () => {
  test("durations in words, in both languages", () => {
    expect(formatDuration(45, "ja")).toBe("45秒");
    expect(formatDuration(3 * 3600 + 5 * 60, "ja")).toBe("3時間5分");
    expect(formatDuration(3 * 3600 + 5 * 60, "en")).toBe("3 h 5 min");
    expect(formatDuration(2 * 86400 + 3600 + 120, "en")).toBe("2 d 1 h");
    expect(formatDuration(600, "en")).toBe("10 min");
    expect(formatDuration(null, "ja")).toBe("—");
  });

  test("an invite link is the API's url, else this site's signup with the code", () => {
    expect(inviteUrl({ code: "ab c", url: "https://kizuna.example/#/signup?code=abc" }, "http://x")).toBe("https://kizuna.example/#/signup?code=abc");
    expect(inviteUrl({ code: "ab c" }, "http://127.0.0.1:8001")).toBe("http://127.0.0.1:8001/#/signup?code=ab%20c");
    expect(inviteUrl({ code: "q", url: null }, "http://h")).toBe("http://h/#/signup?code=q");
    expect(inviteUrl({ code: "q", url: "/#/signup?code=q" }, "http://127.0.0.1:9")).toBe("http://127.0.0.1:9/#/signup?code=q");
  });

  test("merging pages keeps the order and drops repeats", () => {
    const a = [{ id: "1" }, { id: "2" }];
    expect(mergeById(a, [{ id: "2" }, { id: "3" }, { id: "3" }]).map((x) => x.id)).toEqual(["1", "2", "3"]);
  });

  test("only http(s) websites become links", () => {
    expect(safeWebsite("https://shop.example.jp")).toBe("https://shop.example.jp/");
    expect(safeWebsite("javascript:alert(1)")).toBeNull();
    expect(safeWebsite("not a url")).toBeNull();
    expect(safeWebsite("")).toBeNull();
  });

  test("the relation falls back to self for one's own profile", () => {
    const m = { handle: "a", display_name: "A", joined_at: "2024-01-01T00:00:00Z", bio: "" } as MemberView;
    expect(relationOf(m, "a")).toBe("self");
    expect(relationOf(m, "b")).toBe("none");
    expect(relationOf({ ...m, relation: "pending" }, "b")).toBe("pending");
  });

  test("every category and both tables are complete", () => {
    expect(CATEGORIES).toHaveLength(14);
    for (const c of CATEGORIES) expect(ja).toHaveProperty(`member.category.${c}`);
    expect(Object.keys(en).sort()).toEqual(Object.keys(ja).sort());
    for (const [k, v] of Object.entries(en)) expect(v, k).not.toBe("");
  });
});

describe("a list read to its end", () => {
  test("toEnd loads every page left; a new item then comes last, once", async () => {
    const all = Array.from({ length: 120 }, (_, i) => ({ id: `c${i + 1}` }));
    const calls: (string | null)[] = [];
    const load = async (cursor: string | null) => {
      calls.push(cursor);
      const from = cursor ? Number(cursor) : 0;
      const items = all.slice(from, from + 50);
      return { items, next_cursor: from + 50 < all.length ? String(from + 50) : null };
    };
    let list!: ReturnType<typeof usePagedToEnd<{ id: string }>>;
    function Probe() {
      list = usePagedToEnd(load, []);
      return null;
    }
    const host = document.createElement("div");
    await act(async () => {
      render(<Probe />, host);
    });
    await act(async () => {
      await new Promise((r) => setTimeout(r, 0));
    });
    expect(list.items).toHaveLength(50);
    expect(list.done).toBe(false);
    await act(async () => {
      await list.toEnd();
    });
    expect(list.items).toHaveLength(120);
    expect(list.done).toBe(true);
    expect(calls).toEqual([null, "50", "100"]);
    all.push({ id: "c121" });
    await act(async () => {
      list.add([{ id: "c121" }]);
      await list.toEnd(); // already at the end: nothing is read again
      list.add([{ id: "c121" }]);
    });
    expect(list.items.map((x) => x.id).slice(-2)).toEqual(["c120", "c121"]);
    expect(list.items).toHaveLength(121);
    expect(calls).toHaveLength(3);
  });
});
