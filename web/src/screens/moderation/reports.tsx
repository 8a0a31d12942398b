// 通報: members' reports, open or resolved (oldest first). Resolving takes an action and a note;
// removing the content and banning the member (admins only) are confirmed first.
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { moderation, type S } from "../../api";
import { formatDate, t } from "../../i18n";
import { href, navigate } from "../../router";
import { confirm } from "../../ui/confirm";
import { Field, FormError, useForm, values } from "../../ui/form";
import { PagedList, usePaged } from "../../ui/list";
import { label, postIdOf, tabHref, type TabProps } from "./logic";

type Report = S["ReportDetail"];
type Action = S["ResolveReport"]["action"];

export function ReportsTab({ isAdmin, communityId, limit, query }: TabProps) {
  const status = query.get("status") === "resolved" ? "resolved" : "open";
  const list = usePaged(
    (cursor) => moderation.reports({ status, community_id: communityId || undefined, limit, cursor }),
    [status, communityId, limit],
  );
  const onStatus = (e: JSX.TargetedEvent<HTMLSelectElement, Event>) => {
    navigate(tabHref("reports", communityId, { status: e.currentTarget.value, limit: query.get("limit") ?? undefined }));
  };
  return (
    <>
      <p class="hint">{t("mod.reports.hint")}</p>
      <div class="filter field">
        <label for="report-status">{t("mod.reports.show")}</label>
        <select id="report-status" name="status" value={status} onChange={onStatus}>
          <option value="open">{t("mod.reports.open")}</option>
          <option value="resolved">{t("mod.reports.resolved")}</option>
        </select>
      </div>
      <PagedList
        list={list}
        id="report-list"
        class="plain mod-list"
        empty={t(status === "open" ? "mod.reports.empty_open" : "mod.reports.empty_resolved")}
        render={(r) => <ReportItem key={r.id} report={r} isAdmin={isAdmin} />}
      />
    </>
  );
}

function TargetLink({ r }: { r: Report }) {
  if (r.target_type === "member") return <a href={href(`/m/${encodeURIComponent(r.target_id)}`)}>@{r.target_id}</a>;
  const postId = postIdOf(r.target_type, r.target_id) ?? r.target_id;
  return (
    <a href={href(`/p/${encodeURIComponent(postId)}`)}>
      {t(r.target_type === "comment" ? "mod.reports.open_comment" : "mod.reports.open_post")}
    </a>
  );
}

function ReportItem({ report, isAdmin }: { report: Report; isAdmin: boolean }) {
  const [r, setR] = useState(report);
  return (
    <li class="report-item" data-report-id={r.id}>
      <p class="meta">
        <span class="badge">{label("mod.target", r.target_type)}</span>
        <span class={`badge status-${r.status}`}>{t(r.status === "open" ? "mod.reports.open" : "mod.reports.resolved")}</span>{" "}
        {t("mod.reports.reporter", { handle: r.reporter })}
        {t("mod.sep")}
        {formatDate(r.created_at)}
        {t("mod.sep")}
        <TargetLink r={r} />
      </p>
      <p class="reason">
        <span class="label">{t("mod.reports.reason")}</span> {r.reason}
      </p>
      {r.status === "resolved" ? (
        <p class="meta resolution">
          {t("mod.reports.resolution", {
            action: r.action ? label("mod.reports.done", r.action) : "—",
            handle: r.resolved_by ?? "—",
            at: formatDate(r.resolved_at),
          })}
          {r.note ? `${t("mod.sep")}${t("mod.reports.resolution_note", { note: r.note })}` : ""}
        </p>
      ) : (
        <ResolveForm r={r} isAdmin={isAdmin} onDone={setR} />
      )}
    </li>
  );
}

function ResolveForm({ r, isAdmin, onDone }: { r: Report; isAdmin: boolean; onDone: (r: Report) => void }) {
  const form = useForm();
  const actions: Action[] = isAdmin ? ["dismiss", "remove_content", "ban_member"] : ["dismiss", "remove_content"];
  const prefix = `resolve-${r.id}`;
  const onSubmit = async (e: JSX.TargetedEvent<HTMLFormElement, Event>) => {
    e.preventDefault();
    const v = values(e);
    const action = v.action as Action;
    const question =
      action === "remove_content"
        ? t("mod.reports.remove_q", { what: label("mod.target", r.target_type) })
        : action === "ban_member"
          ? t("mod.reports.ban_q")
          : null;
    if (question && !(await confirm(question, { confirmLabel: t("mod.reports.run"), danger: true }))) return;
    await form.run(async () => {
      onDone(await moderation.resolveReport(r.id, { action, note: v.note.trim() || null }));
    });
  };
  return (
    <form class="resolve-form inline-form" onSubmit={(e) => void onSubmit(e)} noValidate>
      <Field label={t("mod.reports.action")} name="action" form={prefix} error={form.fields.action}>
        {(p) => (
          <select {...p}>
            {actions.map((a) => (
              <option key={a} value={a}>{label("mod.reports.action", a)}</option>
            ))}
          </select>
        )}
      </Field>
      <Field label={t("mod.reports.note")} name="note" form={prefix} error={form.fields.note}>
        {(p) => <input {...p} maxLength={500} />}
      </Field>
      <button type="submit" disabled={form.busy}>{t("mod.reports.submit")}</button>
      <FormError error={form.error} />
    </form>
  );
}
