// #/dashboard: the companies the member works for, by name, each with the member's role there.
// `#/dashboard?company=ID[&community=ID]` (an older link form) opens that company's page.
import { useEffect, useState } from "preact/hooks";
import { companies, type S } from "../../api";
import { errorText, t } from "../../i18n";
import type { ScreenProps } from "../../routes";
import { href, navigate } from "../../router";
import { Screen } from "../../ui/page";
import { companyPath, roleLabel } from "./common";

export default function DashboardHome({ loc }: ScreenProps) {
  const [mine, setMine] = useState<S["MyCompanyOut"][] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const wanted = loc.query.get("company");
  useEffect(() => {
    if (wanted) {
      navigate(href(companyPath(wanted), { community: loc.query.get("community") }), true);
      return;
    }
    companies.mine().then((r) => setMine(r.items), (err) => setError(errorText(err)));
  }, [wanted]);
  return (
    <Screen title={t("dashboard.title")} id="dashboard-page" wide>
      <p class="hint">{t("dashboard.home.hint")}</p>
      {error ? <p class="msg-error" role="alert">{error}</p> : null}
      {!mine && !error ? <p class="muted">{t("app.loading")}</p> : null}
      {mine && !mine.length ? (
        <div class="card" id="no-companies">
          <p>{t("dashboard.home.none")}</p>
          <p class="hint">{t("dashboard.home.none_hint")}</p>
        </div>
      ) : null}
      {mine && mine.length ? (
        <ul class="company-list" id="my-companies">
          {mine.map((c) => (
            <li key={c.id} class="card company-item">
              <a class="company-name" href={href(companyPath(c.id))}>{c.name}</a>
              <span class="badge role">{roleLabel(c.role)}</span>
              <span class="meta">{t(`dashboard.role.${c.role}.can`)}</span>
            </li>
          ))}
        </ul>
      ) : null}
    </Screen>
  );
}
