// The company's public response record (GET /companies/{id}/metrics): the inquiries by status as a
// chart, and the numbers as a table beside it (what a screen reader reads).
import { useEffect, useState } from "preact/hooks";
import { companies, type S } from "../../api";
import { errorText, formatNumber, t, useLang } from "../../i18n";
import { BarChart } from "./chart";
import { percent } from "./common";
import { formatDuration, formatJst } from "./logic";

export function MetricsPanel({ companyId }: { companyId: string }) {
  const lang = useLang();
  const [m, setM] = useState<S["Metrics"] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [asOf, setAsOf] = useState<Date | null>(null);
  useEffect(() => {
    companies.metrics(companyId).then(
      (m) => {
        setM(m);
        setAsOf(new Date());
      },
      (err) => setError(errorText(err)),
    );
  }, [companyId]);
  if (error) return <p class="msg-error" role="alert">{error}</p>;
  if (!m) return <p class="muted">{t("app.loading")}</p>;
  const total = m.open + m.answered + m.resolved;
  const labels = [t("dashboard.inbox.status.open"), t("dashboard.inbox.status.answered"), t("dashboard.inbox.status.resolved")];
  const counts = [m.open, m.answered, m.resolved];
  const summary = t("dashboard.metrics.chart_label", {
    open: formatNumber(m.open),
    answered: formatNumber(m.answered),
    resolved: formatNumber(m.resolved),
  });
  return (
    <section id="metrics" aria-labelledby="metrics-title">
      <h2 id="metrics-title">{t("dashboard.metrics.title")}</h2>
      <p class="hint">{t("dashboard.metrics.hint")}</p>
      <p class="tz" id="metrics-tz">
        {asOf ? t("dashboard.metrics.as_of", { time: formatJst(asOf, lang) }) : null}・{t("common.timezone_jst")}
      </p>
      <div class="chart-with-table">
        <BarChart
          id="metrics-chart"
          label={summary}
          labels={labels}
          series={[{ label: t("dashboard.metrics.inquiries"), data: counts, color: "#e8850c" }]}
        />
        <table class="kv totals" id="metrics-totals">
          <caption class="visually-hidden">{t("dashboard.metrics.title")}</caption>
          <tbody>
            <tr><th scope="row">{t("dashboard.inbox.status.open")}</th><td>{formatNumber(m.open)}</td></tr>
            <tr><th scope="row">{t("dashboard.inbox.status.answered")}</th><td>{formatNumber(m.answered)}</td></tr>
            <tr><th scope="row">{t("dashboard.inbox.status.resolved")}</th><td>{formatNumber(m.resolved)}</td></tr>
            <tr class="sum"><th scope="row">{t("dashboard.metrics.total")}</th><td>{formatNumber(total)}</td></tr>
            <tr><th scope="row">{t("dashboard.metrics.median")}</th><td>{formatDuration(m.median_first_response_s, lang)}</td></tr>
            <tr><th scope="row">{t("dashboard.metrics.p90")}</th><td>{formatDuration(m.p90_first_response_s, lang)}</td></tr>
            <tr><th scope="row">{t("dashboard.metrics.within_24h")}</th><td>{percent(m.answered_within_24h_ratio)}</td></tr>
          </tbody>
        </table>
      </div>
    </section>
  );
}
