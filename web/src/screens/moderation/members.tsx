// メンバー (admins): a member looked up by handle (`&handle=`): their standing, a ban with a reason
// (or permanently; confirmed), lifting it, restoring invite rights, and the invite tree.
import type { ComponentChildren, JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { moderation, type S } from "../../api";
import { errorText, formatDate, t } from "../../i18n";
import { navigate } from "../../router";
import { confirm } from "../../ui/confirm";
import { Field, FormError, useForm, values } from "../../ui/form";
import { label, normalHandle, tabHref, type TabProps } from "./logic";
import { Flash } from "./parts";

type Node = S["TreeNode"];
type Tree = S["InviteTree"];

const memberHref = (handle: string) => tabHref("members", "", { handle });

export function MembersTab({ query }: TabProps) {
  const handle = normalHandle(query.get("handle") ?? "");
  const [again, setAgain] = useState(0);
  const [typed, setTyped] = useState(handle);
  const form = useForm();
  const onSubmit = (e: JSX.TargetedEvent<HTMLFormElement, Event>) => {
    e.preventDefault();
    const wanted = normalHandle(typed);
    if (!wanted) return form.setField("handle", t("field.missing"));
    if (wanted === handle) setAgain((n) => n + 1);
    else navigate(memberHref(wanted));
  };
  return (
    <>
      <form id="member-lookup" class="card inline" onSubmit={onSubmit} noValidate>
        <Field label={t("mod.members.handle")} name="handle" form="lookup" error={form.fields.handle}>
          {(p) => <input {...p} value={typed} onInput={(e) => setTyped(e.currentTarget.value)} placeholder={t("mod.members.handle_placeholder")} autocomplete="off" spellcheck={false} />}
        </Field>
        <button type="submit">{t("mod.members.lookup")}</button>
      </form>
      {handle ? <MemberResult key={`${handle}/${again}`} handle={handle} /> : <p class="hint">{t("mod.members.hint")}</p>}
    </>
  );
}

function MemberResult({ handle }: { handle: string }) {
  const [tree, setTree] = useState<Tree | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [flash, setFlash] = useState<string | null>(null);
  const load = () => moderation.tree(handle).then(setTree, (err) => setError(errorText(err)));
  useEffect(() => void load(), [handle]);
  /** After an action: its message on top, and the standing and tree read again. */
  const done = async (message: string) => {
    setFlash(message);
    await load();
  };
  return (
    <div id="member-result">
      <div class="flash">
        <Flash ok={flash} error={error} />
      </div>
      {tree ? (
        <>
          <Standing s={tree.root} onDone={done} />
          <InviteTree tree={tree} />
        </>
      ) : !error ? (
        <p class="muted">{t("app.loading")}</p>
      ) : null}
    </div>
  );
}

function Row({ name, children }: { name: string; children: ComponentChildren }) {
  return (
    <>
      <dt>{name}</dt>
      <dd>{children}</dd>
    </>
  );
}

function Standing({ s, onDone }: { s: Node; onDone: (message: string) => Promise<void> }) {
  const banned = s.status === "banned";
  const status = label("mod.member.status", s.status);
  return (
    <section class="card standing" id="standing" aria-labelledby="standing-title">
      <h2 id="standing-title">
        {s.display_name} @{s.handle}
        <span class={`badge member-${s.status}`}>{status}</span>
      </h2>
      <dl>
        <Row name={t("mod.standing.status")}>{status}</Row>
        <Row name={t("mod.standing.joined")}>{formatDate(s.joined_at)}</Row>
        <Row name={t("mod.standing.invited_by")}>
          {s.invited_by ? <a href={memberHref(s.invited_by)}>@{s.invited_by}</a> : "—"}
        </Row>
        <Row name={t("mod.standing.ban_count")}>{t("mod.standing.times", { count: s.ban_count })}</Row>
        {banned ? (
          <Row name={t("mod.standing.banned_until")}>{s.banned_until ? formatDate(s.banned_until) : t("mod.standing.permanent")}</Row>
        ) : null}
        {s.ban_reason ? <Row name={t("mod.standing.ban_reason")}>{s.ban_reason}</Row> : null}
        <Row name={t("mod.standing.invitee_bans")}>{t("mod.standing.people", { count: s.invitee_bans })}</Row>
        <Row name={t("mod.standing.invites")}>
          {s.may_invite ? t("mod.standing.may_invite", { count: s.invites_left }) : t("mod.standing.may_not_invite")}
        </Row>
      </dl>
      <div class="standing-actions">
        {s.status === "active" ? <BanForm s={s} onDone={onDone} /> : null}
        {banned ? <ReasonForm kind="unban" s={s} onDone={onDone} /> : null}
        {!s.may_invite ? <ReasonForm kind="rights" s={s} onDone={onDone} /> : null}
      </div>
    </section>
  );
}

function BanForm({ s, onDone }: { s: Node; onDone: (message: string) => Promise<void> }) {
  const form = useForm();
  const onSubmit = async (e: JSX.TargetedEvent<HTMLFormElement, Event>) => {
    e.preventDefault();
    const reason = values(e).reason ?? "";
    const permanent = (e.currentTarget.elements.namedItem("permanent") as HTMLInputElement).checked;
    if (!reason.trim()) return form.setField("reason", t("field.missing"));
    const question = t(permanent ? "mod.ban.q_permanent" : "mod.ban.q", { handle: s.handle });
    if (!(await confirm(question, { confirmLabel: t("mod.ban.submit"), danger: true }))) return;
    await form.run(async () => {
      const ban = await moderation.ban(s.handle, { reason, permanent });
      const until = ban.permanent || !ban.until ? t("mod.standing.permanent") : t("mod.ban.done_until", { at: formatDate(ban.until) });
      await onDone(t("mod.ban.done", { handle: ban.handle, level: ban.level, until }));
    });
  };
  return (
    <form class="ban-form" onSubmit={(e) => void onSubmit(e)} noValidate aria-labelledby="ban-title">
      <h3 id="ban-title">{t("mod.ban.title")}</h3>
      <p class="hint">{t("mod.ban.hint")}</p>
      <Field label={t("mod.ban.reason")} name="reason" form="ban" error={form.fields.reason}>
        {(p) => <textarea {...p} rows={2} maxLength={500} />}
      </Field>
      <label class="check">
        <input type="checkbox" name="permanent" /> {t("mod.ban.permanent")}
      </label>
      <FormError error={form.error} />
      <button type="submit" class="danger" disabled={form.busy}>{t("mod.ban.submit")}</button>
    </form>
  );
}

/** Lifting a ban or restoring invite rights: a reason, then the action (nothing is lost: no confirmation). */
function ReasonForm({ kind, s, onDone }: { kind: "unban" | "rights"; s: Node; onDone: (message: string) => Promise<void> }) {
  const form = useForm();
  const onSubmit = async (e: JSX.TargetedEvent<HTMLFormElement, Event>) => {
    e.preventDefault();
    const reason = values(e).reason ?? "";
    if (!reason.trim()) return form.setField("reason", t("field.missing"));
    await form.run(async () => {
      if (kind === "unban") {
        const st = await moderation.unban(s.handle, { reason });
        await onDone(t("mod.unban.done", { handle: st.handle }));
      } else {
        const st = await moderation.restoreInvites(s.handle, { reason });
        await onDone(t("mod.rights.done", { handle: st.handle }));
      }
    });
  };
  const title = t(kind === "unban" ? "mod.unban.title" : "mod.rights.title");
  return (
    <form class={kind === "unban" ? "unban-form" : "invite-rights-form"} onSubmit={(e) => void onSubmit(e)} noValidate aria-labelledby={`${kind}-title`}>
      <h3 id={`${kind}-title`}>{title}</h3>
      {kind === "rights" ? <p class="hint">{t("mod.rights.hint", { count: s.invitee_bans })}</p> : null}
      <Field label={t("mod.reason")} name="reason" form={kind} error={form.fields.reason}>
        {(p) => <textarea {...p} rows={2} maxLength={500} />}
      </Field>
      <FormError error={form.error} />
      <button type="submit" disabled={form.busy}>{t(kind === "unban" ? "mod.unban.submit" : "mod.rights.submit")}</button>
    </form>
  );
}

function TreeNode({ n }: { n: Node }) {
  return (
    <li class={`tree-node member-${n.status}`}>
      <a href={memberHref(n.handle)}>@{n.handle}</a> {n.display_name}{" "}
      <span class={`badge member-${n.status}`}>{label("mod.member.status", n.status)}</span>
      {n.ban_count ? <span class="meta"> {t("mod.tree.bans", { count: n.ban_count })}</span> : null}
      {n.invitee_bans ? <span class="meta"> {t("mod.tree.invitee_bans", { count: n.invitee_bans })}</span> : null}
      {n.may_invite ? null : <span class="badge member-banned">{t("mod.tree.no_invites")}</span>}
      {n.invitees?.length ? (
        <ul class="tree">
          {n.invitees.map((c) => (
            <TreeNode key={c.handle} n={c} />
          ))}
        </ul>
      ) : null}
    </li>
  );
}

function InviteTree({ tree }: { tree: Tree }) {
  return (
    <section class="card" id="invite-tree" aria-labelledby="tree-title">
      <h2 id="tree-title">{t("mod.tree.title", { count: tree.members })}</h2>
      {tree.truncated ? <p class="msg-info">{t("mod.tree.truncated")}</p> : null}
      <ul class="tree root">
        <TreeNode n={tree.root} />
      </ul>
    </section>
  );
}
