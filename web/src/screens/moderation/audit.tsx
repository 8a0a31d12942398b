// 監査ログ (admins): every moderation action, newest first: who, what, on what, why, and its
// details. A table on a desk; on a phone each row becomes a card (moderation.css).
import { moderation, type S } from "../../api";
import { formatDate, t } from "../../i18n";
import { href } from "../../router";
import { usePaged } from "../../ui/list";
import { detailText, details, label, postIdOf, shortIds, tabHref, type TabProps } from "./logic";
import { Pager } from "./parts";

type Entry = S["AuditOut"];

export function AuditTab({ limit }: TabProps) {
  const list = usePaged((cursor) => moderation.audit({ limit, cursor }), [limit]);
  return (
    <>
      <p class="hint">{t("mod.audit.hint")}</p>
      {list.items.length ? (
        <table class="audit">
          <thead>
            <tr>
              <th scope="col">{t("mod.audit.at")}</th>
              <th scope="col">{t("mod.audit.actor")}</th>
              <th scope="col">{t("mod.audit.action")}</th>
              <th scope="col">{t("mod.audit.target")}</th>
              <th scope="col">{t("mod.audit.reason")}</th>
              <th scope="col">{t("mod.audit.details")}</th>
            </tr>
          </thead>
          <tbody id="audit-list">
            {list.items.map((e) => (
              <AuditRow key={e.id} e={e} />
            ))}
          </tbody>
        </table>
      ) : null}
      <div class="paged">
        <Pager list={list} empty={t("mod.audit.empty")} />
      </div>
    </>
  );
}

function Target({ e }: { e: Entry }) {
  if (e.target_type === "member") return <a href={tabHref("members", "", { handle: e.target_id })}>@{e.target_id}</a>;
  const postId = postIdOf(e.target_type, e.target_id);
  const id = shortIds(e.target_id);
  return (
    <>
      {label("mod.target", e.target_type)}{" "}
      {postId ? (
        <a class="id" href={href(`/p/${encodeURIComponent(postId)}`)} title={e.target_id}>{id}</a>
      ) : (
        <span class="id" title={e.target_id}>{id}</span>
      )}
    </>
  );
}

function AuditRow({ e }: { e: Entry }) {
  return (
    <tr class="audit-entry" data-action={e.action}>
      <td class="when">{formatDate(e.at)}</td>
      <td class="actor" data-label={t("mod.audit.actor")}>{e.actor === "system" ? t("mod.audit.system") : `@${e.actor}`}</td>
      <td class="action">{label("mod.audit.action", e.action)}</td>
      <td class="target"><Target e={e} /></td>
      <td class="reason">{e.reason || "—"}</td>
      <td class="details">
        {details(e).map(([k, v]) => {
          const text = detailText(k, v);
          return (
            <span key={k} class="detail" title={text}>{shortIds(text)}</span>
          );
        })}
      </td>
    </tr>
  );
}
