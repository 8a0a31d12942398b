// Pieces the dashboard screens share: the company and the caller's role in it, money, badges,
// the trail of links back up.
import { useEffect, useState } from "preact/hooks";
import { companies, type S } from "../../api";
import { errorText, formatNumber, t } from "../../i18n";
import { href } from "../../router";
import "./dashboard.css";

export type Role = S["MyCompanyOut"]["role"];

export type CompanyState = {
  company: S["CompanyOut"] | null;
  /** The caller's role, or null when they are not on its staff. */
  role: Role | null;
  error: string | null;
  loading: boolean;
};

/** The company and what the caller is there. */
export function useCompany(id: string): CompanyState {
  const [state, setState] = useState<CompanyState>({ company: null, role: null, error: null, loading: true });
  useEffect(() => {
    let stop = false;
    Promise.all([companies.get(id), companies.mine().catch(() => ({ items: [] as S["MyCompanyOut"][] }))]).then(
      ([company, mine]) => {
        if (stop) return;
        const role = mine.items.find((c) => c.id === id)?.role ?? null;
        setState({ company, role, error: null, loading: false });
      },
      (err) => !stop && setState({ company: null, role: null, error: errorText(err), loading: false }),
    );
    return () => {
      stop = true;
    };
  }, [id]);
  return state;
}

export const canManageCampaigns = (role: Role | null): boolean => role === "owner" || role === "advertiser";

export const roleLabel = (role: Role): string => t(`dashboard.role.${role}`);

/** Yen, formatted for the reader (`1,234円` / `¥1,234`). */
export function yen(n: number | null | undefined, digits = 0): string {
  return n === null || n === undefined ? "—" : t("dashboard.yen", { amount: formatNumber(n, digits) });
}

export function percent(ratio: number | null | undefined): string {
  return ratio === null || ratio === undefined ? "—" : `${formatNumber(ratio * 100, 1)}%`;
}

export function CampaignStatus({ status }: { status: "active" | "paused" }) {
  return <span class={`badge campaign-status ${status === "active" ? "status-active" : "status-paused"}`}>{t(`dashboard.campaign.status.${status}`)}</span>;
}

export function InquiryStatus({ status }: { status: "open" | "answered" | "resolved" }) {
  return <span class={`badge inquiry-status status-${status}`}>{t(`dashboard.inbox.status.${status}`)}</span>;
}

/** Links back up: 企業ダッシュボード › 会社名 › … */
export function Trail({ company, items = [] }: { company?: { id: string; name: string } | null; items?: { label: string; href?: string }[] }) {
  const all = [{ label: t("dashboard.title"), href: href("/dashboard") }];
  if (company) all.push({ label: company.name, href: href(`/dashboard/${encodeURIComponent(company.id)}`) });
  for (const i of items) all.push({ label: i.label, href: i.href ?? "" });
  return (
    <nav class="trail" aria-label={t("dashboard.trail")}>
      <ol>
        {all.map((i, n) => (
          <li key={n}>{i.href && n < all.length - 1 ? <a href={i.href}>{i.label}</a> : <span aria-current={n === all.length - 1 ? "page" : undefined}>{i.label}</span>}</li>
        ))}
      </ol>
    </nav>
  );
}

export const companyPath = (id: string, rest = ""): string => `/dashboard/${encodeURIComponent(id)}${rest}`;
