// The frame of every screen: its <h1> (focused when the screen opens, so a screen reader and the
// keyboard start there) and the document title.
import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { t } from "../i18n";

type Props = { title: string; id?: string; children?: ComponentChildren; actions?: ComponentChildren; wide?: boolean };

export function Screen({ title, id, children, actions, wide }: Props) {
  const h1 = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} - ${t("app.name")}`;
  }, [title]);
  useEffect(() => {
    h1.current?.focus({ preventScroll: false });
  }, []);
  return (
    <section id={id} class={`screen${wide ? " wide" : ""}`}>
      <div class="screen-head">
        <h1 ref={h1} tabIndex={-1}>{title}</h1>
        {actions ? <div class="screen-actions">{actions}</div> : null}
      </div>
      {children}
    </section>
  );
}
