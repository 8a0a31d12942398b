// A confirmation for destructive actions, in a real <dialog> (focus kept inside, Esc cancels).
import { useEffect, useRef } from "preact/hooks";
import { render } from "preact";
import { t } from "../i18n";

type Props = { message: string; confirmLabel?: string; danger?: boolean; onDone: (ok: boolean) => void };

function ConfirmDialog({ message, confirmLabel, danger, onDone }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current!;
    if (typeof d.showModal === "function") d.showModal();
    else d.setAttribute("open", "");
  }, []);
  return (
    <dialog ref={ref} class="confirm" aria-labelledby="confirm-title" onCancel={() => onDone(false)}>
      <h2 id="confirm-title">{t("common.confirm_title")}</h2>
      <p>{message}</p>
      <div class="actions">
        <button type="button" class="secondary" onClick={() => onDone(false)}>{t("common.cancel")}</button>
        <button type="button" class={danger ? "danger" : "primary"} id="confirm-ok" onClick={() => onDone(true)}>
          {confirmLabel ?? t("common.confirm")}
        </button>
      </div>
    </dialog>
  );
}

/** Ask before doing something that cannot be undone; resolves to true when confirmed. */
export function confirm(message: string, opts: { confirmLabel?: string; danger?: boolean } = {}): Promise<boolean> {
  const host = document.createElement("div");
  document.body.append(host);
  const back = document.activeElement as HTMLElement | null;
  return new Promise((resolve) => {
    const onDone = (ok: boolean) => {
      render(null, host);
      host.remove();
      back?.focus?.();
      resolve(ok);
    };
    render(<ConfirmDialog message={message} {...opts} onDone={onDone} />, host);
  });
}
