// Pieces the member screens share: links to members, communities and posts; the badges (公式,
// 確認待ち, inquiry status, diary visibility); category names; the report button; small pure
// helpers (durations, invite links, merging pages) that the unit tests check.
import type { ComponentChildren, JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { reports, type S } from "../../api";
import { errorText, formatNumber, has, t } from "../../i18n";
import { href } from "../../router";
import { confirm } from "../../ui/confirm";
import { Field, FormError, useForm, values } from "../../ui/form";
import { Screen } from "../../ui/page";

export type Category = S["CommunityCreate"]["category"];
export type Visibility = S["DiaryCreate"]["visibility"];
export type Relation = "self" | "friends" | "requested" | "pending" | "none";

// Every category of the API's enum, in the order the select shows them (tsc checks it is complete).
const CATEGORY_SET: Record<Category, true> = {
  games: true, anime_manga: true, music: true, movies_tv: true, books: true, sports: true, food: true,
  travel: true, tech: true, business: true, hobbies: true, local: true, school: true, other: true,
};
export const CATEGORIES = Object.keys(CATEGORY_SET) as Category[];
export const VISIBILITIES: Visibility[] = ["members", "friends", "private"];

export function categoryLabel(c: string): string {
  const key = `member.category.${c}`;
  return has(key) ? t(key) : c;
}

export function visibilityLabel(v: string): string {
  const key = `member.visibility.${v}`;
  return has(key) ? t(key) : v;
}

export const enc = encodeURIComponent;

/** "1 member" / "3 members": the `_one` key for a count of one (English needs it). */
export function countText(key: "member.community.member_count" | "member.topic.comments", count: number): string {
  return t(count === 1 ? `${key}_one` : key, { count: formatNumber(count) });
}
export const postHref = (id: string) => href(`/p/${enc(id)}`);
export const communityHref = (id: string) => href(`/c/${enc(id)}`);
export const memberHref = (handle: string) => href(`/m/${enc(handle)}`);
export const diaryHref = (handle: string) => href(`/m/${enc(handle)}/diary`);
export const targetPath = (target: { type: string; id: string }) =>
  target.type === "community" ? `/c/${enc(target.id)}` : `/p/${enc(target.id)}`;

/** A member's name, linked to the profile; a withdrawn member (no handle) is named so, unlinked. */
export function MemberLink({ who }: { who: { handle?: string | null; display_name: string } }) {
  if (!who.handle) return <span class="withdrawn">{t("common.withdrawn_member")}</span>;
  return <a href={memberHref(who.handle)} class="member-link">{who.display_name}</a>;
}

export const OfficialBadge = () => <span class="badge official">{t("common.official")}</span>;
export const HeldBadge = () => <span class="badge held">{t("common.held")}</span>;

export function StatusBadge({ status }: { status?: string | null }) {
  if (!status) return null;
  const key = `member.status.${status}`;
  return <span class={`badge status-${status}`}>{has(key) ? t(key) : status}</span>;
}

export function VisibilityBadge({ visibility }: { visibility: string }) {
  return <span class={`badge visibility visibility-${visibility}`}>{visibilityLabel(visibility)}</span>;
}

export function HeldNotice() {
  return (
    <p class="held-notice" role="note">
      <HeldBadge /> {t("common.held_hint")}
    </p>
  );
}

/** A company website as a link only when it is http(s). */
export function safeWebsite(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
  } catch {
    return null;
  }
}

/** A duration in seconds as words: `2時間5分`, `3 h 5 min`, `45秒`. */
export function formatDuration(seconds: number | null | undefined, lang: "ja" | "en"): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "—";
  const s = Math.max(0, Math.round(seconds));
  const d = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const units = lang === "ja" ? { d: "日", h: "時間", m: "分", s: "秒" } : { d: " d", h: " h", m: " min", s: " s" };
  const parts: string[] = [];
  if (d) parts.push(`${d}${units.d}`);
  if (h) parts.push(`${h}${units.h}`);
  if (m && !d) parts.push(`${m}${units.m}`);
  if (!parts.length) parts.push(s < 60 ? `${s}${units.s}` : `${m}${units.m}`);
  return parts.join(lang === "ja" ? "" : " ");
}

/** The link of an invite: the API's `url` (made absolute: without KIZUNA_WEB_URL it is a path), or
 *  this site's signup screen with the code. */
export function inviteUrl(invite: { code: string; url?: string | null }, origin: string): string {
  if (invite.url) {
    try {
      return new URL(invite.url, `${origin}/`).href;
    } catch {
      // Not a URL at all: fall back to our own.
    }
  }
  return `${origin}/#/signup?code=${enc(invite.code)}`;
}

/** `old` followed by the items of `more` it does not have yet (by id), in order. */
export function mergeById<T extends { id: string }>(old: T[], more: T[]): T[] {
  const seen = new Set(old.map((x) => x.id));
  const out = [...old];
  for (const x of more) {
    if (!seen.has(x.id)) {
      seen.add(x.id);
      out.push(x);
    }
  }
  return out;
}

/** Tabs as links (each one a URL): the current one marked with aria-current. */
export function Tabs({ tabs, label }: { tabs: { href: string; label: string; active: boolean; id?: string }[]; label: string }) {
  return (
    <nav class="tabs" aria-label={label}>
      {tabs.map((tab) => (
        <a href={tab.href} id={tab.id} class={tab.active ? "active" : undefined} aria-current={tab.active ? "page" : undefined}>
          {tab.label}
        </a>
      ))}
    </nav>
  );
}

export function Card({ title, id, children, class: cls }: { title?: ComponentChildren; id?: string; children?: ComponentChildren; class?: string }) {
  return (
    <section class={`card${cls ? ` ${cls}` : ""}`} id={id}>
      {title ? <h2 class="card-title">{title}</h2> : null}
      {children}
    </section>
  );
}

type ReportTarget = S["ReportCreate"]["target_type"];

/** 通報: a reason, then a confirmation, then POST /reports; the outcome said in place. */
export function ReportButton({ type, id, label }: { type: ReportTarget; id: string; label?: string }) {
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState(false);
  const form = useForm();
  const formId = `report-${type}-${id.replace(/[^A-Za-z0-9_-]/g, "-")}`;
  useEffect(() => {
    if (open) document.getElementById(`${formId}-reason`)?.focus();
  }, [open]);
  if (done) return <p class="msg-ok report-done" role="status">{t("member.report.done")}</p>;
  if (!open) {
    return (
      <button type="button" class="small secondary report-button" onClick={() => setOpen(true)}>
        {label ?? t("common.report")}
      </button>
    );
  }
  const onSubmit = (e: JSX.TargetedEvent<HTMLFormElement, Event>) => {
    e.preventDefault();
    const reason = values(e).reason.trim();
    if (!reason) return form.setField("reason", t("field.blank"));
    void form.run(async () => {
      if (!(await confirm(t("member.report.confirm"), { confirmLabel: t("member.report.send"), danger: true }))) return;
      await reports.create({ target_type: type, target_id: id, reason });
      setDone(true);
    });
  };
  return (
    <form class="report-form" onSubmit={onSubmit} noValidate>
      <Field label={t("member.report.reason")} name="reason" form={formId} error={form.fields.reason} hint={t("member.report.hint")}>
        {(p) => <textarea {...p} rows={2} maxLength={500} required />}
      </Field>
      <FormError error={form.error} />
      <div class="actions">
        <button type="submit" class="small danger" disabled={form.busy}>{t("member.report.send")}</button>
        <button type="button" class="small secondary" onClick={() => setOpen(false)}>{t("common.cancel")}</button>
      </div>
    </form>
  );
}

/** Focus the first field of a form when it appears (an edit form opened in place). */
export function useFocusFirst() {
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => {
    ref.current?.querySelector<HTMLElement>("input, textarea, select")?.focus();
  }, []);
  return ref;
}

/** One thing loaded on mount (and when `deps` change): the data, or the error's text. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<number | null>(null);
  useEffect(() => {
    let live = true;
    setData(null);
    setError(null);
    load().then(
      (d) => live && setData(d),
      (err) => {
        if (!live) return;
        setError(errorText(err));
        setStatus((err as { status?: number }).status ?? null);
      },
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return { data, setData, error, status };
}

/** The screen while its data loads, or when it could not be loaded. */
export function Pending({ id, error }: { id: string; error: string | null }) {
  return (
    <Screen title={error ? t("member.load_failed") : t("app.loading")} id={id}>
      {error ? (
        <p class="msg-error" role="alert">
          {error} <a href={href("/")}>{t("common.back_home")}</a>
        </p>
      ) : (
        <p class="muted">{t("app.loading")}</p>
      )}
    </Screen>
  );
}
