// #/notifications: what happened to me, newest first, paged to the end. Each notification is a
// sentence in the reader's language by its kind (member names and titles go in as text), its time,
// unread ones marked; opening one marks it read and leads to its target. "Mark all as read" too.
// After marking, `kizuna:notifications-read` tells the header badge (app.tsx) to count again.
import { useEffect, useState } from "preact/hooks";
import { notifications } from "../../api";
import { errorText, formatDate, has, t } from "../../i18n";
import { PagedList, usePaged } from "../../ui/list";
import { Screen } from "../../ui/page";
import { notificationHref, notificationKey, pageSize, type Notification } from "./logic";
import { Flash, Template } from "./parts";
import type { ScreenProps } from "../../routes";
import "./moderation.css";

/** The header badge counts again. */
export function announceRead(): void {
  window.dispatchEvent(new Event("kizuna:notifications-read"));
}

export function Sentence({ n }: { n: Notification }) {
  const key = notificationKey(n);
  const actor = n.actor?.display_name || t("notifications.someone");
  const title = n.title || t("notifications.untitled");
  return (
    <Template
      text={has(key) ? t(key) : t("notifications.kind.other")}
      slots={{
        actor: <strong class="actor">{actor}</strong>,
        title: <span class="title">{title}</span>,
        company: <strong class="company">{n.company?.name ?? ""}</strong>,
      }}
    />
  );
}

export default function NotificationsPage({ loc }: ScreenProps) {
  const limit = pageSize(loc.query.get("limit"));
  const list = usePaged((cursor) => notifications.list({ cursor, limit }), [limit]);
  const [unread, setUnread] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [ok, setOk] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    notifications.unread().then((r) => setUnread(r.count), () => setUnread(null));
  }, []);

  const markAll = async () => {
    setBusy(true);
    setError(null);
    setOk(null);
    try {
      // The API marks up to 100 a call and answers the count left.
      let r = await notifications.markRead({ ids: null, all: true });
      for (let i = 0; r.count > 0 && i < 50; i++) r = await notifications.markRead({ ids: null, all: true });
      setUnread(r.count);
      list.setItems((items: Notification[]) => items.map((n) => ({ ...n, read: true })));
      setOk(t("notifications.all_read"));
      announceRead();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  /** Opening one marks it read (the link goes on at once; the badge counts again when the API answers). */
  const open = (n: Notification) => {
    if (n.read) return;
    list.setItems((items: Notification[]) => items.map((x) => (x.id === n.id ? { ...x, read: true } : x)));
    setUnread((c) => (c ? c - 1 : c));
    notifications.markRead({ ids: [n.id], all: false }).then(announceRead, () => undefined);
  };

  const actions = (
    <button type="button" id="mark-all-read" class="secondary" disabled={busy || unread === 0} onClick={() => void markAll()}>
      {t("notifications.mark_all")}
    </button>
  );
  return (
    <Screen title={t("notifications.title")} id="notifications-page" actions={actions}>
      {unread ? <p class="meta" id="unread-summary">{t("notifications.unread_count", { count: unread })}</p> : null}
      <Flash ok={ok} error={error} />
      <div class="card notifications-card">
        <PagedList
          list={list}
          id="notification-list"
          class="plain notifications"
          empty={t("notifications.empty")}
          render={(n: Notification) => (
            <li key={n.id} class={`notification kind-${n.kind}${n.read ? "" : " unread"}`} data-id={n.id} data-kind={n.kind}>
              <a href={notificationHref(n)} onClick={() => open(n)}>
                {n.read ? null : <span class="visually-hidden">{t("notifications.unread")}: </span>}
                <span class="sentence"><Sentence n={n} /></span>
                <time class="meta" dateTime={n.created_at}>{formatDate(n.created_at)}</time>
              </a>
            </li>
          )}
        />
      </div>
    </Screen>
  );
}
