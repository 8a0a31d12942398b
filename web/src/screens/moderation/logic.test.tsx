import { describe, expect, test } from "vitest";
import { render } from "preact";
import { setLang } from "../../i18n";
import {
  chooseTab, detailText, needsStaffCheck, normalHandle, notificationHref, notificationKey, pageSize, postIdOf, shortIds,
  splitTemplate, tabHref, visibleTabs, type Notification,
} from "./logic"; // fmt: skip
import { Sentence } from "./notifications";

const note = (over: Partial<Notification>): Notification => ({
  id: "n1", kind: "comment", created_at: "2025-01-02T03:04:05Z", read: false,
  actor: { handle: "hanako", display_name: "花子" }, post_id: "p1", comment_id: "c1", title: "ラーメン",
  community_id: "c9", company_id: null, company: null, ...over,
}); // fmt: skip

describe("who sees which moderation tab", () => {
  test("admins all; a community's owner and moderators held and reports; its company's staff held; others none", () => {
    expect(visibleTabs(true, null)).toEqual(["held", "reports", "members", "audit"]);
    expect(visibleTabs(false, "owner")).toEqual(["held", "reports"]);
    expect(visibleTabs(false, "moderator", true)).toEqual(["held", "reports"]);
    expect(visibleTabs(false, "member", true)).toEqual(["held"]);
    expect(visibleTabs(false, null, true)).toEqual(["held"]);
    expect(visibleTabs(false, "member")).toEqual([]);
    expect(visibleTabs(false, null)).toEqual([]);
  });

  test("only a non-admin who does not moderate an official community needs the staff check", () => {
    const company = { id: "co", name: "Co" };
    expect(needsStaffCheck(false, { your_role: "member", company })).toBe(true);
    expect(needsStaffCheck(false, { your_role: null, company })).toBe(true);
    expect(needsStaffCheck(false, { your_role: "owner", company })).toBe(false);
    expect(needsStaffCheck(true, { your_role: null, company })).toBe(false);
    expect(needsStaffCheck(false, { your_role: "member", company: null })).toBe(false);
  });

  test("a tab the member may not see falls back to the first", () => {
    expect(chooseTab("audit", ["held", "reports"])).toBe("held");
    expect(chooseTab("reports", ["held", "reports"])).toBe("reports");
    expect(chooseTab(null, ["held"])).toBe("held");
  });

  test("the network-wide tabs drop the community from their URL", () => {
    expect(tabHref("reports", "c1")).toBe("#/mod?community_id=c1&tab=reports");
    expect(tabHref("audit", "c1", { limit: 5 })).toBe("#/mod?tab=audit&limit=5");
    expect(tabHref("members", "", { handle: "hanako" })).toBe("#/mod?tab=members&handle=hanako");
  });
});

describe("small rules", () => {
  test("page sizes: 1 to 100, 20 by default", () => {
    expect(pageSize(null)).toBe(20);
    expect(pageSize("")).toBe(20);
    expect(pageSize("abc")).toBe(20);
    expect(pageSize("0")).toBe(20);
    expect(pageSize("1")).toBe(1);
    expect(pageSize("500")).toBe(100);
  });

  test("handles, ids and targets", () => {
    expect(normalHandle("  @hanako ")).toBe("hanako");
    expect(shortIds("post 0123456789abcdef0123456789abcdef")).toBe("post 01234567…");
    expect(postIdOf("comment", "p1/c2")).toBe("p1");
    expect(postIdOf("post", "p1")).toBe("p1");
    expect(postIdOf("member", "hanako")).toBeNull();
  });

  test("audit details in the reader's language", () => {
    setLang("ja");
    expect(detailText("until", "permanent")).toBe("期限: 無期限");
    expect(detailText("level", 2)).toBe("段階: 2");
    expect(detailText("new_key", "x")).toBe("new_key: x");
    setLang("en");
    expect(detailText("level", 2)).toBe("level: 2");
    setLang("ja");
  });

  test("a template splits into text and slots", () => {
    expect(splitTemplate("{actor} さんが「{title}」に")).toEqual([
      { slot: "actor" }, { text: " さんが「" }, { slot: "title" }, { text: "」に" },
    ]); // fmt: skip
    expect(splitTemplate("no slots")).toEqual([{ text: "no slots" }]);
  });
});

describe("notifications", () => {
  test("each kind leads to its target", () => {
    expect(notificationHref(note({ kind: "comment" }))).toBe("#/p/p1");
    expect(notificationHref(note({ kind: "official_answer" }))).toBe("#/p/p1");
    expect(notificationHref(note({ kind: "held_approved" }))).toBe("#/p/p1");
    expect(notificationHref(note({ kind: "friend_request", post_id: null }))).toBe("#/friends?tab=received");
    expect(notificationHref(note({ kind: "friend_accepted", post_id: null }))).toBe("#/m/hanako");
    expect(notificationHref(note({ kind: "invitee_joined", post_id: null }))).toBe("#/m/hanako");
    expect(notificationHref(note({ kind: "new_inquiry", company_id: "co1" }))).toBe("#/dashboard/co1?tab=inbox");
  });

  test("an unknown kind still reads as a sentence", () => {
    expect(notificationKey({ kind: "something_new" as Notification["kind"], actor: null })).toBe("notifications.kind.other");
    expect(notificationKey({ kind: "official_answer", actor: null })).toBe("notifications.kind.official_answer_noactor");
    const company = { id: "c1", name: "任天堂" };
    const actor = { handle: "agent", display_name: "担当" };
    expect(notificationKey({ kind: "official_answer", actor, company })).toBe("notifications.kind.official_answer_company");
    expect(notificationKey({ kind: "new_inquiry", actor, company })).toBe("notifications.kind.new_inquiry_company");
    expect(notificationKey({ kind: "comment", actor, company: null })).toBe("notifications.kind.comment");
  });

  test("the sentence is in the reader's language, and a title with markup stays text", () => {
    const host = document.createElement("div");
    setLang("ja");
    render(<Sentence n={note({ title: '<img src=x onerror="alert(1)">' })} />, host);
    expect(host.querySelector("img")).toBeNull();
    expect(host.textContent).toBe('花子 さんがあなたの投稿「<img src=x onerror="alert(1)">」にコメントしました');
    setLang("en");
    render(<Sentence n={note({ kind: "friend_request", title: null })} />, host);
    expect(host.textContent).toBe("花子 sent you a friend request");
    setLang("ja");
    const answered = note({ kind: "official_answer", title: "保証", company: { id: "c1", name: "<b>任天堂</b>" } });
    render(<Sentence n={answered} />, host);
    expect(host.querySelector("b")).toBeNull();
    expect(host.textContent).toBe("<b>任天堂</b>（花子 さん）があなたの問い合わせ「保証」に公式回答しました");
  });
});
