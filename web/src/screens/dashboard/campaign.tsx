// #/dashboard/<company>/campaigns/<campaign>?from=YYYY-MM-DD&to=YYYY-MM-DD: a campaign, pause/resume,
// its edit link, and its report (days in JST) as a chart, a totals row and tables per day and keyword.
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ApiError, campaigns, type S } from "../../api";
import { errorText, fieldErrorText, formatNumber, t } from "../../i18n";
import type { ScreenProps } from "../../routes";
import { href, navigate } from "../../router";
import { Field, FormError } from "../../ui/form";
import { Screen } from "../../ui/page";
import { PauseButton } from "./campaigns";
import { BarChart } from "./chart";
import { CampaignStatus, companyPath, percent, Trail, useCompany, yen } from "./common";
import { averageCpc, ctr, isDay, perDay, perKeyword } from "./logic";

const REASONS = ["expired", "own_staff", "campaign_paused", "campaign_ended", "duplicate", "budget_exhausted"] as const;

export default function CampaignPage({ params, loc }: ScreenProps) {
  const companyId = params.company;
  const campaignId = params.cid;
  const { company } = useCompany(companyId);
  const [c, setC] = useState<S["CampaignOut"] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  useEffect(() => {
    campaigns.get(companyId, campaignId).then(setC, (err) => setError(errorText(err)));
  }, [companyId, campaignId]);
  const page = companyPath(companyId, `/campaigns/${encodeURIComponent(campaignId)}`);
  return (
    <Screen
      title={c?.name ?? (error ? t("dashboard.campaign.title") : t("app.loading"))}
      id="campaign-page"
      wide
      actions={
        c ? (
          <>
            <CampaignStatus status={c.status} />
            <PauseButton c={c} companyId={companyId} onChange={setC} onError={setActionError} />
            <a class="button secondary" id="edit-campaign" href={href(`${page}/edit`)}>{t("common.edit")}</a>
          </>
        ) : null
      }
    >
      <Trail company={company} items={[{ label: t("dashboard.tab.campaigns"), href: href(companyPath(companyId), { tab: "campaigns" }) }, { label: c?.name ?? "…" }]} />
      {error ? <p class="msg-error" role="alert">{error}</p> : null}
      <FormError error={actionError} />
      {c ? (
        <>
          <CampaignSummary c={c} companyName={company?.name ?? ""} />
          <Report companyId={companyId} c={c} from={loc.query.get("from")} to={loc.query.get("to")} path={page} />
        </>
      ) : null}
    </Screen>
  );
}

function CampaignSummary({ c, companyName }: { c: S["CampaignOut"]; companyName: string }) {
  const target = c.target.type === "community" ? `/c/${encodeURIComponent(c.target.id)}` : `/p/${encodeURIComponent(c.target.id)}`;
  return (
    <section class="card campaign-summary" aria-labelledby="summary-title">
      <h2 id="summary-title">{t("dashboard.campaign.ad")}</h2>
      <div class="sponsored">
        <div class="ad">
          <span class="badge ad-label">{t("dashboard.form.sponsored")}</span>
          <p class="ad-headline" id="campaign-headline">{c.headline}</p>
          <p class="ad-text" id="campaign-text">{c.text}</p>
          <p class="meta">{t("dashboard.form.by", { company: companyName })}</p>
        </div>
      </div>
      <dl class="campaign-facts">
        <div><dt>{t("dashboard.campaign.target")}</dt><dd><a href={href(target)}>{t(`dashboard.campaign.target_${c.target.type}`)}</a></dd></div>
        <div><dt>{t("dashboard.campaign.daily_budget")}</dt><dd>{yen(c.daily_budget)}</dd></div>
        <div><dt>{t("dashboard.campaign.keywords")}</dt>
          <dd>
            <ul class="chips" id="campaign-keywords">
              {c.keywords.map((k) => (
                <li key={`${k.match}:${k.text}`}>
                  <span class="kw-text">{k.text}</span> <span class="meta">{t(`dashboard.match.${k.match}`)}・{t("dashboard.campaign.max_cpc_short", { amount: yen(k.max_cpc) })}</span>
                </li>
              ))}
            </ul>
          </dd>
        </div>
        <div><dt>{t("dashboard.campaign.negatives")}</dt>
          <dd>
            {c.negative_keywords.length ? (
              <ul class="chips negative">{c.negative_keywords.map((n) => <li key={n}>{n}</li>)}</ul>
            ) : (
              <span class="meta">{t("dashboard.campaign.none")}</span>
            )}
          </dd>
        </div>
      </dl>
    </section>
  );
}

function Report({ companyId, c, from, to, path }: { companyId: string; c: S["CampaignOut"]; from: string | null; to: string | null; path: string }) {
  const [r, setR] = useState<S["CampaignReport"] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const range = { from: isDay(from) ? from : undefined, to: isDay(to) ? to : undefined };
  useEffect(() => {
    setR(null);
    campaigns.report(companyId, c.id, range).then(setR, (err) => {
      const f: Record<string, string> = {};
      if (err instanceof ApiError) {
        for (const d of err.details) {
          const name = d.path === "to" ? "to" : "from";
          f[name] ??= d.type === "date_range" ? t("dashboard.report.range_error") : fieldErrorText(d.type, d.message);
        }
      }
      setFields(f);
      setError(Object.keys(f).length ? null : errorText(err));
    });
  }, [companyId, c.id, range.from, range.to]);

  const onRange = (e: JSX.TargetedEvent<HTMLFormElement, Event>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    navigate(href(path, { from: String(data.get("from") ?? ""), to: String(data.get("to") ?? "") }));
  };

  const days = r ? perDay(r.rows) : [];
  const keywords = r ? perKeyword(r.rows) : [];
  const shownFrom = range.from ?? days[0]?.day ?? "";
  const shownTo = range.to ?? days[days.length - 1]?.day ?? "";
  const totals = r?.totals;
  const label = totals
    ? t("dashboard.report.chart_label", {
        from: shownFrom,
        to: shownTo,
        impressions: formatNumber(totals.impressions),
        clicks: formatNumber(totals.clicks),
        invalid: formatNumber(totals.invalid_clicks),
        spend: yen(totals.spend),
      })
    : "";
  return (
    <section class="card report" id="report" aria-labelledby="report-title">
      <h2 id="report-title">{t("dashboard.report.title")}</h2>
      <p class="tz" id="report-tz">{t("common.timezone_jst")}</p>
      <form class="range-form" id="range-form" onSubmit={onRange} noValidate>
        <Field label={t("dashboard.report.from")} name="from" form="range" error={fields.from}>
          {(p) => <input {...p} type="date" value={shownFrom} min="2000-01-01" max="2100-12-31" />}
        </Field>
        <Field label={t("dashboard.report.to")} name="to" form="range" error={fields.to}>
          {(p) => <input {...p} type="date" value={shownTo} min="2000-01-01" max="2100-12-31" />}
        </Field>
        <button type="submit" class="secondary">{t("dashboard.report.show")}</button>
        <span class="hint">{t("dashboard.report.range_hint")}</span>
      </form>
      {error ? <p class="msg-error" role="alert">{error}</p> : null}
      {!r && !error && !Object.keys(fields).length ? <p class="muted">{t("app.loading")}</p> : null}
      {r && totals ? (
        <>
          <ul class="totals-row" id="report-totals" aria-label={t("dashboard.report.totals")}>
            <li><span class="label">{t("dashboard.report.impressions")}</span><strong>{formatNumber(totals.impressions)}</strong></li>
            <li><span class="label">{t("dashboard.report.clicks")}</span><strong>{formatNumber(totals.clicks)}</strong></li>
            <li><span class="label">{t("dashboard.report.ctr")}</span><strong>{percent(ctr(totals.clicks, totals.impressions))}</strong></li>
            <li><span class="label">{t("dashboard.report.invalid")}</span><strong>{formatNumber(totals.invalid_clicks)}</strong></li>
            <li><span class="label">{t("dashboard.report.spend")}</span><strong>{yen(totals.spend)}</strong></li>
            <li><span class="label">{t("dashboard.report.avg_cpc")}</span><strong>{yen(averageCpc(totals.spend, totals.clicks), 1)}</strong></li>
          </ul>
          <BarChart
            id="report-chart"
            label={label}
            labels={days.map((d) => d.day.slice(5))}
            series={[
              { label: t("dashboard.report.impressions"), data: days.map((d) => d.impressions), color: "#f0c36d" },
              { label: t("dashboard.report.clicks"), data: days.map((d) => d.clicks), color: "#e8850c" },
              { label: t("dashboard.report.invalid"), data: days.map((d) => d.invalid_clicks), color: "#9a8f80" },
              { label: t("dashboard.report.spend_yen"), data: days.map((d) => d.spend), color: "#1a5fa8", line: true },
            ]}
          />
          <div class="table-scroll">
            <table class="report-table numbers" id="report-days">
              <caption>{t("dashboard.report.by_day")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("dashboard.report.day")}</th>
                  <th scope="col">{t("dashboard.report.impressions")}</th>
                  <th scope="col">{t("dashboard.report.clicks")}</th>
                  <th scope="col">{t("dashboard.report.invalid")}</th>
                  <th scope="col">{t("dashboard.report.spend")}</th>
                </tr>
              </thead>
              <tbody>
                {days.map((d) => (
                  <tr key={d.day}>
                    <th scope="row">{d.day}</th>
                    <td>{formatNumber(d.impressions)}</td>
                    <td>{formatNumber(d.clicks)}</td>
                    <td>{formatNumber(d.invalid_clicks)}</td>
                    <td>{yen(d.spend)}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr class="sum">
                  <th scope="row">{t("dashboard.report.total")}</th>
                  <td>{formatNumber(totals.impressions)}</td>
                  <td>{formatNumber(totals.clicks)}</td>
                  <td>{formatNumber(totals.invalid_clicks)}</td>
                  <td>{yen(totals.spend)}</td>
                </tr>
              </tfoot>
            </table>
          </div>
          <div class="table-scroll">
            <table class="report-table numbers" id="report-keywords">
              <caption>{t("dashboard.report.by_keyword")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("dashboard.report.keyword")}</th>
                  <th scope="col">{t("dashboard.report.impressions")}</th>
                  <th scope="col">{t("dashboard.report.clicks")}</th>
                  <th scope="col">{t("dashboard.report.ctr")}</th>
                  <th scope="col">{t("dashboard.report.spend")}</th>
                  <th scope="col">{t("dashboard.report.avg_cpc")}</th>
                </tr>
              </thead>
              <tbody>
                {keywords.map((k) => (
                  <tr key={`${k.match}:${k.keyword}`}>
                    <th scope="row">
                      <span class="kw-text">{k.keyword}</span> <span class="meta">{t(`dashboard.match.${k.match}`)}</span>
                    </th>
                    <td>{formatNumber(k.impressions)}</td>
                    <td>{formatNumber(k.clicks)}</td>
                    <td>{percent(ctr(k.clicks, k.impressions))}</td>
                    <td>{yen(k.spend)}</td>
                    <td>{yen(averageCpc(k.spend, k.clicks), 1)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {totals.invalid_clicks || REASONS.some((x) => totals.invalid_reasons[x]) ? (
            <div class="invalid-reasons">
              <h3>{t("dashboard.report.invalid_reasons")}</h3>
              <ul class="plain">
                {REASONS.filter((x) => totals.invalid_reasons[x]).map((x) => (
                  <li key={x}>{t(`dashboard.reason.${x}`)}: {formatNumber(totals.invalid_reasons[x])}</li>
                ))}
              </ul>
            </div>
          ) : null}
          <p class="hint">{t("dashboard.report.invalid_hint")}</p>
        </>
      ) : null}
    </section>
  );
}
