// A screen loaded on first use (its own chunk): the dashboard and its chart library stay out of
// the first load.
import type { ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";
import { t } from "../i18n";

export function lazy<P extends object>(load: () => Promise<{ default: ComponentType<P> }>): ComponentType<P> {
  let loaded: ComponentType<P> | null = null;
  return function Lazy(props: P) {
    const [C, setC] = useState<ComponentType<P> | null>(() => loaded);
    useEffect(() => {
      if (!C) void load().then((m) => setC(() => (loaded = m.default)));
    }, []);
    return C ? <C {...props} /> : <p class="muted">{t("app.loading")}</p>;
  };
}
