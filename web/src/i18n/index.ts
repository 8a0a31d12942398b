// The message table: Japanese by default, English by a switch remembered in localStorage.
// `en` must have every key of `ja` (TypeScript checks it), and `t()` takes only known keys.
// API errors are shown by their code (`errorText(err)`), never by the API's English message.
import { useEffect, useState } from "preact/hooks";
import { ja } from "./ja";
import { en } from "./en";

export type Key = keyof typeof ja;
export type Lang = "ja" | "en";
const TABLES: Record<Lang, Record<Key, string>> = { ja, en };
const LANG_KEY = "kizuna.lang";

let lang: Lang = (typeof localStorage !== "undefined" && (localStorage.getItem(LANG_KEY) as Lang)) || "ja";
if (lang !== "ja" && lang !== "en") lang = "ja";
const listeners = new Set<() => void>();

export function getLang(): Lang {
  return lang;
}

export function setLang(next: Lang): void {
  lang = next;
  localStorage.setItem(LANG_KEY, next);
  document.documentElement.lang = next;
  listeners.forEach((fn) => fn());
}

/** Re-render the calling component when the language changes. */
export function useLang(): Lang {
  const [, bump] = useState(0);
  useEffect(() => {
    const fn = () => bump((n) => n + 1);
    listeners.add(fn);
    return () => void listeners.delete(fn);
  }, []);
  return lang;
}

/** The message `key`, with `{name}` placeholders filled from `vars`. */
export function t(key: Key, vars: Record<string, string | number> = {}): string {
  const text = TABLES[lang][key] ?? ja[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name: string) => (name in vars ? String(vars[name]) : `{${name}}`));
}

/** Whether the table has `key` (for codes that come from the API). */
export function has(key: string): key is Key {
  return key in ja;
}

/** The text of an API error code, e.g. `err.not_found`; a generic one for codes the table lacks. */
export function errorText(err: unknown): string {
  const e = err as { code?: string; status?: number; retryAfter?: number };
  const key = `err.${e?.code ?? "unknown"}`;
  if (has(key)) return t(key, { seconds: e.retryAfter ?? "" });
  if (e?.status && e.status >= 500) return t("err.server");
  return t("err.unknown");
}

/** The text of one field error of a 400 (pydantic `type`s and the API's own kinds). */
export function fieldErrorText(type: string, fallback?: string): string {
  const key = `field.${type}`;
  if (has(key)) return t(key);
  return fallback && lang === "en" ? fallback : t("field.invalid");
}

const dateFmts: Partial<Record<Lang, Intl.DateTimeFormat>> = {};

/** A date and time in the reader's language and time zone. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const fmt = (dateFmts[lang] ??= new Intl.DateTimeFormat(lang === "ja" ? "ja-JP" : "en-GB", { dateStyle: "medium", timeStyle: "short" }));
  return fmt.format(d);
}

export function formatNumber(n: number | null | undefined, digits = 0): string {
  if (n === null || n === undefined) return "—";
  return new Intl.NumberFormat(lang === "ja" ? "ja-JP" : "en-GB", { maximumFractionDigits: digits }).format(n);
}
