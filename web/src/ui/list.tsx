// Lists that page to their end: the first page on mount, then もっと見る until next_cursor is null.
import type { ComponentChildren } from "preact";
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import type { Page } from "../api";
import { errorText, t } from "../i18n";

export type Loader<T> = (cursor: string | null) => Promise<Page<T>>;

export function usePaged<T>(load: Loader<T>, deps: unknown[]) {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const gen = useRef(0);

  const fetchPage = useCallback(
    async (from: string | null, reset: boolean) => {
      const mine = ++gen.current;
      setBusy(true);
      setError(null);
      try {
        const page = await load(from);
        if (mine !== gen.current) return;
        setItems((old) => (reset ? page.items : [...old, ...page.items]));
        setCursor(page.next_cursor ?? null);
        setDone(!page.next_cursor);
      } catch (err) {
        if (mine === gen.current) setError(errorText(err));
      } finally {
        if (mine === gen.current) setBusy(false);
      }
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps
    deps,
  );

  useEffect(() => {
    setItems([]);
    setDone(false);
    void fetchPage(null, true);
  }, [fetchPage]);

  return {
    items,
    setItems,
    done,
    busy,
    error,
    more: () => (done || busy ? undefined : void fetchPage(cursor, false)),
    reload: () => void fetchPage(null, true),
  };
}

type Props<T> = {
  list: ReturnType<typeof usePaged<T>>;
  render: (item: T) => ComponentChildren;
  empty?: string;
  id?: string;
  class?: string;
};

/** The items, then a もっと見る button while there is more, then "that is all" at the end. */
export function PagedList<T>({ list, render, empty, id, class: cls }: Props<T>) {
  return (
    <div class="paged" id={id}>
      {list.items.length ? <ul class={cls ?? "plain"}>{list.items.map((item) => render(item))}</ul> : null}
      {list.error ? (
        <p class="msg-error" role="alert">
          {list.error} <button type="button" class="link" onClick={list.reload}>{t("common.retry")}</button>
        </p>
      ) : null}
      {!list.error && list.busy ? <p class="muted">{t("app.loading")}</p> : null}
      {!list.error && !list.busy && list.done && !list.items.length ? <p class="muted empty">{empty ?? t("common.empty")}</p> : null}
      {!list.error && !list.busy && !list.done ? (
        <button type="button" class="more" onClick={list.more}>{t("common.more")}</button>
      ) : null}
      {!list.error && list.done && list.items.length ? <p class="muted end">{t("common.end_of_list")}</p> : null}
    </div>
  );
}
