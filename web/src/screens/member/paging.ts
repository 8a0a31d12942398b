// A paged list that can also be read to its end in one go: a topic's comments (oldest first) after
// posting one, so the new comment is shown last, where it belongs, however long the topic is.
// Same shape as ui/list.tsx's usePaged (PagedList renders it), plus toEnd() and add().
import { useEffect, useRef, useState } from "preact/hooks";
import { errorText } from "../../i18n";
import type { Loader } from "../../ui/list";
import { mergeById } from "./common";

export function usePagedToEnd<T extends { id: string }>(load: Loader<T>, deps: unknown[]) {
  const [items, setItems] = useState<T[]>([]);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const cursor = useRef<string | null>(null);
  const finished = useRef(false);
  const running = useRef(false);
  const gen = useRef(0);
  const loader = useRef(load);
  loader.current = load;

  /** One page (the first when `reset`); resolves to whether there is more after it. */
  async function page(reset: boolean): Promise<boolean> {
    if (!reset && (finished.current || running.current)) return false;
    const mine = reset ? ++gen.current : gen.current;
    running.current = true;
    setBusy(true);
    setError(null);
    try {
      const p = await loader.current(reset ? null : cursor.current);
      if (mine !== gen.current) return false;
      cursor.current = p.next_cursor ?? null;
      finished.current = !p.next_cursor;
      setItems((old) => (reset ? p.items : mergeById(old, p.items)));
      setDone(finished.current);
      return !finished.current;
    } catch (err) {
      if (mine === gen.current) setError(errorText(err));
      return false;
    } finally {
      if (mine === gen.current) {
        running.current = false;
        setBusy(false);
      }
    }
  }

  useEffect(() => {
    cursor.current = null;
    finished.current = false;
    running.current = false;
    setItems([]);
    setDone(false);
    void page(true);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);

  return {
    items,
    setItems,
    done,
    busy,
    error,
    more: () => void page(false),
    reload: () => void page(true),
    /** Load every page that is left. */
    toEnd: async () => {
      while (running.current) await new Promise((r) => setTimeout(r, 50));
      while (await page(false));
    },
    /** Add items at the end unless they are there already. */
    add: (more: T[]) => setItems((old) => mergeById(old, more)),
  };
}
