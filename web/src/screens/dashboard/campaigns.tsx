// The company's campaigns, newest first and paged to the end: status, daily budget, spend of the
// last 7 days (JST), pause/resume, each linked to its page and its edit form.
import { useEffect, useState } from "preact/hooks";
import { campaigns, type S } from "../../api";
import { errorText, t } from "../../i18n";
import { href } from "../../router";
import { PagedList, usePaged } from "../../ui/list";
import { CampaignStatus, companyPath, yen } from "./common";

/** `community`: an official community already found, passed on to the new campaign's form. */
export function CampaignList({ companyId, community }: { companyId: string; community: string | null }) {
  const list = usePaged((cursor) => campaigns.list(companyId, { cursor, limit: 20 }), [companyId]);
  const replace = (c: S["CampaignOut"]) => list.setItems((items) => items.map((x) => (x.id === c.id ? c : x)));
  return (
    <section id="campaigns" aria-labelledby="campaigns-title">
      <div class="section-head">
        <h2 id="campaigns-title">{t("dashboard.campaigns.title")}</h2>
        <a class="button primary" id="new-campaign" href={href(companyPath(companyId, "/campaigns/new"), { community })}>
          {t("dashboard.campaigns.new")}
        </a>
      </div>
      <p class="hint">{t("dashboard.campaigns.hint")} {t("common.timezone_jst")}</p>
      <PagedList
        list={list}
        id="campaign-list"
        class="campaign-list"
        empty={t("dashboard.campaigns.empty")}
        render={(c) => <CampaignItem key={c.id} c={c} companyId={companyId} onChange={replace} />}
      />
    </section>
  );
}

/** Pause or resume; the updated campaign goes to `onChange`. */
export function PauseButton({ c, companyId, onChange, onError }: {
  c: S["CampaignOut"];
  companyId: string;
  onChange: (c: S["CampaignOut"]) => void;
  onError: (message: string | null) => void;
}) {
  const [busy, setBusy] = useState(false);
  const active = c.status === "active";
  const toggle = async () => {
    setBusy(true);
    onError(null);
    try {
      onChange(await campaigns.update(companyId, c.id, { status: active ? "paused" : "active" } as S["CampaignUpdate"]));
    } catch (err) {
      onError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <button type="button" class={`small ${active ? "secondary" : ""} pause-resume`} disabled={busy} onClick={() => void toggle()}>
      {active ? t("dashboard.campaign.pause") : t("dashboard.campaign.resume")}
    </button>
  );
}

function CampaignItem({ c, companyId, onChange }: { c: S["CampaignOut"]; companyId: string; onChange: (c: S["CampaignOut"]) => void }) {
  const [spend, setSpend] = useState<number | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    campaigns.report(companyId, c.id).then((r) => setSpend(r.totals.spend), () => setSpend(null));
  }, [companyId, c.id]);
  const page = companyPath(companyId, `/campaigns/${encodeURIComponent(c.id)}`);
  return (
    <li class="campaign card" id={`campaign-${c.id}`}>
      <div class="campaign-head">
        <a class="campaign-name" href={href(page)}>{c.name}</a>
        <CampaignStatus status={c.status} />
      </div>
      <p class="ad-preview">
        <span class="ad-headline">{c.headline}</span> <span class="ad-text">{c.text}</span>
      </p>
      <dl class="campaign-facts">
        <div><dt>{t("dashboard.campaign.daily_budget")}</dt><dd class="budget">{yen(c.daily_budget)}</dd></div>
        <div><dt>{t("dashboard.campaigns.spend_7d")}</dt><dd class="spend">{spend === undefined ? "…" : yen(spend)}</dd></div>
        <div><dt>{t("dashboard.campaign.keywords")}</dt><dd>{t("dashboard.campaigns.keyword_count", { count: c.keywords.length })}</dd></div>
      </dl>
      <p class="actions">
        <PauseButton c={c} companyId={companyId} onChange={onChange} onError={setError} />
        <a class="small-link" href={href(page)}>{t("dashboard.campaign.report")}</a>
        <a class="small-link" href={href(`${page}/edit`)}>{t("common.edit")}</a>
      </p>
      {error ? <p class="msg-error" role="alert">{error}</p> : null}
    </li>
  );
}
