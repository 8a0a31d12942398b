// Invites (#/invites): make an invite (with a note to remember whom it was for), get its link with
// a Copy button, and the list of invites already issued: unused, used (by whom), expired, revoked.
import type { JSX } from "preact";
import { useRef, useState } from "preact/hooks";
import { invites, type S } from "../../api";
import { errorText, formatDate, t } from "../../i18n";
import type { ScreenProps } from "../../routes";
import { useSession } from "../../session";
import { confirm } from "../../ui/confirm";
import { Counter, Field, FormError, useForm, values } from "../../ui/form";
import { PagedList, usePaged } from "../../ui/list";
import { Screen } from "../../ui/page";
import { Card, inviteUrl, memberHref } from "./common";

type Invite = S["InviteOut"] & { url?: string | null };

const STATUS_KEY = {
  active: "member.invites.status_active",
  used: "member.invites.status_used",
  expired: "member.invites.status_expired",
  revoked: "member.invites.status_revoked",
} as const;

/** The invite link in a read-only box, with a Copy button (the clipboard, or else the text selected). */
function CopyBox({ url }: { url: string }) {
  const input = useRef<HTMLInputElement>(null);
  const [note, setNote] = useState<string | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(url);
      setNote(t("common.copied"));
    } catch {
      input.current?.focus();
      input.current?.select();
      let ok = false;
      try {
        ok = document.execCommand("copy");
      } catch {
        ok = false;
      }
      setNote(ok ? t("common.copied") : t("member.invites.copy_by_hand"));
    }
  };
  return (
    <div class="copy-box">
      <label for="invite-url">{t("member.invites.link")}</label>
      <div class="copy-row">
        <input id="invite-url" type="text" readOnly value={url} onFocus={(e) => e.currentTarget.select()} spellcheck={false} />
        <button type="button" id="copy-invite" onClick={() => void copy()}>{t("common.copy")}</button>
      </div>
      {note ? <small class="hint" role="status" id="copy-status">{note}</small> : null}
    </div>
  );
}

export function Invites(_: ScreenProps) {
  const { me, refresh } = useSession();
  const form = useForm();
  const [note, setNote] = useState("");
  const [created, setCreated] = useState<Invite | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);
  const list = usePaged((cursor) => invites.list({ cursor, limit: 20 }), []);

  const onSubmit = (e: JSX.TargetedEvent<HTMLFormElement, Event>) => {
    e.preventDefault();
    const v = values(e);
    void form.run(async () => {
      const inv = (await invites.create({ note: v.note.trim() || null })) as Invite;
      setCreated(inv);
      setNote("");
      list.setItems((old) => [inv, ...old.filter((x) => x.code !== inv.code)]);
      await refresh();
    });
  };
  const revoke = async (inv: Invite) => {
    if (!(await confirm(t("member.invites.revoke_confirm"), { danger: true, confirmLabel: t("member.invites.revoke") }))) return;
    setRowError(null);
    try {
      await invites.revoke(inv.code);
      list.setItems((old) => old.map((x) => (x.code === inv.code ? { ...x, status: "revoked" } : x)));
      if (created?.code === inv.code) setCreated(null);
      await refresh();
    } catch (err) {
      setRowError(errorText(err));
    }
  };

  return (
    <Screen title={t("member.invites.title")} id="invites-page">
      <p id="invites-left" class="lead">{t("member.invites.left", { count: me?.invites_left ?? 0 })}</p>
      <form class="card" id="new-invite" onSubmit={onSubmit} noValidate>
        <h2 class="card-title">{t("member.invites.create")}</h2>
        <p class="hint">{t("member.invites.create_hint")}</p>
        <Field label={t("member.invites.note")} name="note" form="inv" error={form.fields.note} hint={t("member.invites.note_hint")}>
          {(p) => <input {...p} maxLength={200} value={note} onInput={(e) => setNote(e.currentTarget.value)} />}
        </Field>
        <Counter value={note} max={200} />
        <FormError error={form.error} />
        <button type="submit" class="primary" disabled={form.busy || (me?.invites_left ?? 0) <= 0}>{t("member.invites.create_button")}</button>
      </form>
      {created ? (
        <Card title={t("member.invites.created")} id="created-invite" class="highlight">
          <CopyBox url={inviteUrl(created, location.origin)} />
          <p class="meta">
            {t("member.invites.code")}: <code id="invite-code">{created.code}</code>
            {"・"}
            {t("member.invites.expires", { date: formatDate(created.expires_at) })}
          </p>
          <p class="hint">{t("member.invites.share_hint")}</p>
        </Card>
      ) : null}
      <Card title={t("member.invites.issued")} id="issued-invites">
        {rowError ? <p class="msg-error" role="alert">{rowError}</p> : null}
        <PagedList
          list={list}
          class="list invites"
          empty={t("member.invites.none")}
          render={(inv: Invite) => (
            <li class={`invite invite-${inv.status}`} key={inv.code} data-code={inv.code}>
              <div class="invite-main">
                <span class={`badge invite-status status-${inv.status}`}>{t(STATUS_KEY[inv.status])}</span>
                {inv.note ? <span class="invite-note">{inv.note}</span> : <span class="muted">{t("member.invites.no_note")}</span>}
              </div>
              <div class="meta">
                <code>{inv.code}</code>
                {"・"}
                {t("member.invites.issued_at", { date: formatDate(inv.created_at) })}
                {inv.status === "active" ? `・${t("member.invites.expires", { date: formatDate(inv.expires_at) })}` : ""}
                {inv.used_by ? (
                  <>
                    {"・"}
                    {t("member.invites.used_by")} <a href={memberHref(inv.used_by)}>@{inv.used_by}</a>
                  </>
                ) : null}
              </div>
              {inv.status === "active" ? (
                <div class="row-actions">
                  <CopyLink invite={inv} />
                  <button type="button" class="small danger revoke" onClick={() => void revoke(inv)}>{t("member.invites.revoke")}</button>
                </div>
              ) : null}
            </li>
          )}
        />
      </Card>
    </Screen>
  );
}

function CopyLink({ invite }: { invite: Invite }) {
  const [copied, setCopied] = useState(false);
  const url = inviteUrl(invite, location.origin);
  return (
    <button
      type="button"
      class="small secondary copy-link"
      onClick={() => navigator.clipboard?.writeText(url).then(() => setCopied(true), () => setCopied(false))}
    >
      {copied ? t("common.copied") : t("member.invites.copy_link")}
    </button>
  );
}
