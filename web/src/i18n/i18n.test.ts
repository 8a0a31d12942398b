import { describe, expect, test } from "vitest";
import { ja } from "./ja";
import { en } from "./en";
import { errorText, setLang, t } from "./index";

describe("the message table", () => {
  test("English has every Japanese key, and no message is empty", () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(ja).sort());
    for (const [k, v] of [...Object.entries(ja), ...Object.entries(en)]) expect(v, k).not.toBe("");
  });

  test("placeholders are the same in both languages", () => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const k of Object.keys(ja) as (keyof typeof ja)[]) expect(names(en[k]), k).toEqual(names(ja[k]));
  });

  test("an API error shows by its code in the chosen language, never its English message", () => {
    setLang("ja");
    expect(errorText({ code: "not_found", message: "Post not found." })).toBe(ja["err.not_found"]);
    expect(errorText({ code: "no_such_code", message: "raw", status: 409 })).toBe(ja["err.unknown"]);
    setLang("en");
    expect(errorText({ code: "rate_limited", retryAfter: 7 })).toContain("7");
    expect(t("nav.home")).toBe("Home");
    setLang("ja");
  });
});
