// Small pieces the moderation and notifications screens share.
import type { ComponentChildren } from "preact";
import { Fragment } from "preact";
import { t } from "../../i18n";
import type { usePaged } from "../../ui/list";
import { splitTemplate } from "./logic";

/** A message template with its `{slots}` filled by elements; member content in a slot stays text. */
export function Template({ text, slots }: { text: string; slots: Record<string, ComponentChildren> }) {
  return (
    <>
      {splitTemplate(text).map((p, i) => (
        <Fragment key={i}>{"text" in p ? p.text : (slots[p.slot] ?? `{${p.slot}}`)}</Fragment>
      ))}
    </>
  );
}

/**
 * The foot of a paged list drawn by its screen (a table): the error, loading, もっと見る while
 * there is more, and "that is all" at the end (as ui/list.tsx's PagedList does for a <ul>).
 */
export function Pager<T>({ list, empty }: { list: ReturnType<typeof usePaged<T>>; empty: string }) {
  if (list.error) {
    return (
      <p class="msg-error" role="alert">
        {list.error} <button type="button" class="link" onClick={list.reload}>{t("common.retry")}</button>
      </p>
    );
  }
  if (list.busy) return <p class="muted">{t("app.loading")}</p>;
  if (!list.done) return <button type="button" class="more" onClick={list.more}>{t("common.more")}</button>;
  return list.items.length ? <p class="muted end">{t("common.end_of_list")}</p> : <p class="muted empty">{empty}</p>;
}

/** A status line after an action (`msg-ok`) or its error (`msg-error`). */
export function Flash({ ok, error }: { ok?: string | null; error?: string | null }) {
  if (error) return <p class="msg-error" role="alert">{error}</p>;
  if (ok) return <p class="msg-ok" role="status">{ok}</p>;
  return null;
}
