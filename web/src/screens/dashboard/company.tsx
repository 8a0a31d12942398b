// #/dashboard/<company>?tab=inbox|metrics|campaigns: one company's inquiries (answered in place),
// its public response record and its campaigns, with the link to its official communities'
// review queue. Which tabs there are follows the member's role (the API decides in the end).
import { t } from "../../i18n";
import type { ScreenProps } from "../../routes";
import { href } from "../../router";
import { Screen } from "../../ui/page";
import { CampaignList } from "./campaigns";
import { canManageCampaigns, companyPath, roleLabel, Trail, useCompany, type Role } from "./common";
import { Inbox } from "./inbox";
import { MetricsPanel } from "./metrics";
import { useOfficialCommunities } from "./official";

type Tab = "inbox" | "metrics" | "campaigns";

export function tabsFor(role: Role | null): Tab[] {
  if (!role) return ["metrics"];
  return canManageCampaigns(role) ? ["inbox", "metrics", "campaigns"] : ["inbox", "metrics"];
}

export default function CompanyPage({ params, loc }: ScreenProps) {
  const id = params.company;
  const { company, role, error, loading } = useCompany(id);
  const tabs = tabsFor(role);
  const asked = loc.query.get("tab") as Tab | null;
  const tab: Tab = asked && tabs.includes(asked) ? asked : tabs[0];
  const official = useOfficialCommunities(id);
  const title = company?.name ?? (loading ? t("app.loading") : t("dashboard.company.title"));
  return (
    <Screen title={title} id="company-page" wide>
      <Trail company={company} />
      {error ? <p class="msg-error" role="alert">{error}</p> : null}
      {company ? (
        <>
          <p class="company-meta meta">
            {role ? <span class="badge role">{roleLabel(role)}</span> : null}
            {/^https?:\/\//.test(company.website) ? (
              <a href={company.website} rel="noopener noreferrer" target="_blank">{company.website}</a>
            ) : (
              company.website
            )}
          </p>
          {!role ? <p class="msg-info" role="status">{t("dashboard.company.not_staff")}</p> : null}
          {role ? (
            <section class="card official-box" id="official-communities" aria-labelledby="official-title">
              <h2 id="official-title">{t("dashboard.official.title")}</h2>
              {official === null ? <p class="muted">{t("app.loading")}</p> : null}
              {official && !official.length ? <p class="hint">{t("dashboard.official.none")}</p> : null}
              {official && official.length ? (
                <ul class="plain">
                  {official.map((c) => (
                    <li key={c.id}>
                      <a href={href(`/c/${encodeURIComponent(c.id)}`)}>{c.name}</a>
                      <span class="badge official">{t("common.official")}</span>
                      {" "}
                      <a class="review-link" href={href("/mod", { community_id: c.id })}>{t("dashboard.official.review")}</a>
                    </li>
                  ))}
                </ul>
              ) : null}
            </section>
          ) : null}
          <nav class="tabs dash-tabs" aria-label={t("dashboard.company.tabs")}>
            {tabs.map((name) => (
              <a
                key={name}
                id={`tab-${name}`}
                href={href(companyPath(id), { tab: name })}
                class={name === tab ? "active" : undefined}
                aria-current={name === tab ? "page" : undefined}
              >
                {t(`dashboard.tab.${name}`)}
              </a>
            ))}
          </nav>
          <div class="tab-body">
            {tab === "inbox" ? <Inbox companyId={id} status={loc.query.get("status")} /> : null}
            {tab === "metrics" ? <MetricsPanel companyId={id} /> : null}
            {tab === "campaigns" ? <CampaignList companyId={id} community={official?.[0]?.id ?? null} /> : null}
          </div>
        </>
      ) : null}
    </Screen>
  );
}
