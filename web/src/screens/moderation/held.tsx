// 保留: the review queue. Each held post or comment with its score, the threshold and the signals
// that fired (with their weights); approving publishes it at the time it was written, rejecting
// deletes it. Both are confirmed first.
import { useState } from "preact/hooks";
import { moderation, type S } from "../../api";
import { errorText, formatDate, t } from "../../i18n";
import { href } from "../../router";
import { confirm } from "../../ui/confirm";
import { PagedList, usePaged } from "../../ui/list";
import { label, type TabProps } from "./logic";
import { Flash, Template } from "./parts";

type Held = S["HeldOut"];

export function HeldTab({ communityId, limit }: TabProps) {
  const list = usePaged((cursor) => moderation.held({ community_id: communityId || undefined, limit, cursor }), [communityId, limit]);
  return (
    <>
      <p class="hint">{t("mod.held.hint")}</p>
      <PagedList list={list} id="held-list" class="plain mod-list" empty={t("mod.held.empty")} render={(item) => <HeldItem key={item.id} item={item} />} />
    </>
  );
}

const score = (n: number) => n.toFixed(2);

function HeldItem({ item: first }: { item: Held }) {
  const [item, setItem] = useState(first);
  const [busy, setBusy] = useState(false);
  const [ok, setOk] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const what = t(item.type === "comment" ? "mod.what.comment" : "mod.what.post");
  const postLink = href(`/p/${encodeURIComponent(item.post_id)}`);

  async function decide(approve: boolean) {
    const asked = approve
      ? await confirm(t("mod.held.approve_q", { what }), { confirmLabel: t("mod.held.approve_yes") })
      : await confirm(t("mod.held.reject_q", { what }), { confirmLabel: t("mod.held.reject_yes"), danger: true });
    if (!asked) return;
    setBusy(true);
    setError(null);
    try {
      const out = approve ? await moderation.approve(item.id) : await moderation.reject(item.id);
      setItem(out);
      setOk(t(approve ? "mod.held.approved" : "mod.held.rejected", { what }));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <li class="held-item" data-held-id={item.id}>
      <p class="meta">
        <span class="badge">{t(item.type === "comment" ? "mod.target.comment" : "mod.target.post")}</span>
        <span class={`badge held-status status-${item.status}`}>{label("mod.held.status", item.status)}</span>{" "}
        {item.author.display_name}
        {item.author.handle ? ` @${item.author.handle}` : ""}
        {t("mod.sep")}
        {formatDate(item.created_at)}
      </p>
      <h2 class="held-title">
        {item.type === "comment" ? (
          <Template text={t("mod.held.comment_on")} slots={{ title: <a href={postLink}>{item.title}</a> }} />
        ) : (
          item.title
        )}
      </h2>
      <div class="body">{item.body}</div>
      <div class="signals">
        <p class="score">
          {t("mod.held.score")} <strong>{score(item.score)}</strong> {t("mod.held.threshold", { threshold: score(item.threshold) })}
        </p>
        {item.signals.length ? (
          <table class="signals-table">
            <thead>
              <tr>
                <th scope="col">{t("mod.held.signal")}</th>
                <th scope="col">{t("mod.held.weight")}</th>
                <th scope="col">{t("mod.held.detail")}</th>
              </tr>
            </thead>
            <tbody>
              {item.signals.map((s) => (
                <tr key={s.name}>
                  <td>
                    {label("mod.signal", s.name)}
                    <code>{s.name}</code>
                  </td>
                  <td class="num">{score(s.weight)}</td>
                  <td>{s.detail}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p class="hint">{t("mod.held.no_signals")}</p>
        )}
      </div>
      {item.reviewed_by ? (
        <p class="meta">{t("mod.held.reviewed_by", { handle: item.reviewed_by, at: formatDate(item.reviewed_at) })}</p>
      ) : null}
      <div class="actions">
        <Flash ok={ok} error={error} />
        {item.status === "held" ? (
          <>
            <button type="button" class="small approve" disabled={busy} onClick={() => void decide(true)}>{t("mod.held.approve")}</button>
            <button type="button" class="small danger reject" disabled={busy} onClick={() => void decide(false)}>{t("mod.held.reject")}</button>
          </>
        ) : null}
        {item.status === "approved" ? (
          <a href={postLink}>{t(item.type === "comment" ? "mod.held.open_comment" : "mod.held.open_post")}</a>
        ) : null}
      </div>
    </li>
  );
}
