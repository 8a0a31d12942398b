// #/mod?community_id=&tab=&limit=: the review queue of held posts and comments, reports, and for
// admins members (standing, bans, invite rights, the invite tree) and the audit log. Admins see
// everything; a community's owner and moderators its queue and reports; its company's staff (an
// official community) the queue only. Each tab is a URL; `&limit=` sets the page size of its lists.
import { useEffect, useState } from "preact/hooks";
import { communities, companies, type S } from "../../api";
import { errorText, t } from "../../i18n";
import type { ScreenProps } from "../../routes";
import { href } from "../../router";
import { useSession } from "../../session";
import { Screen } from "../../ui/page";
import { AuditTab } from "./audit";
import { HeldTab } from "./held";
import { chooseTab, needsStaffCheck, pageSize, tabHref, visibleTabs, type TabProps } from "./logic";
import { MembersTab } from "./members";
import { ReportsTab } from "./reports";
import "./moderation.css";

export default function ModPage({ loc }: ScreenProps) {
  const { me } = useSession();
  const isAdmin = !!me?.roles.includes("admin");
  const communityId = loc.query.get("community_id") ?? "";
  const rawLimit = loc.query.get("limit");
  const limit = pageSize(rawLimit);
  const [community, setCommunity] = useState<S["CommunityOut"] | null>(null);
  /** Whether the member is staff of the community's company (asked only when that decides). */
  const [staff, setStaff] = useState<boolean | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!communityId) return;
    communities.get(communityId).then(async (c) => {
      if (needsStaffCheck(isAdmin, c)) {
        const mine = await companies.mine().catch(() => ({ items: [] }));
        setStaff(mine.items.some((co) => co.id === c.company?.id));
      }
      setCommunity(c);
    }, (err) => setError(errorText(err)));
  }, [communityId]);

  if (!isAdmin && !communityId) {
    return (
      <Screen title={t("mod.title")} id="mod-page">
        <p class="msg-info" role="status">{t("mod.open_from_community")}</p>
      </Screen>
    );
  }
  if (error) {
    return (
      <Screen title={t("mod.title")} id="mod-page">
        <p class="msg-error" role="alert">{error}</p>
      </Screen>
    );
  }
  if (communityId && !community) {
    return (
      <Screen title={t("mod.title")} id="mod-page">
        <p class="muted">{t("app.loading")}</p>
      </Screen>
    );
  }

  const tabs = visibleTabs(isAdmin, community?.your_role, !!staff);
  if (!tabs.length) {
    return (
      <Screen title={t("mod.title")} id="mod-page">
        <p class="msg-error" role="alert">{t("err.not_a_moderator")}</p>
        <p class="hint">{t("mod.open_from_community")}</p>
      </Screen>
    );
  }
  const tab = chooseTab(loc.query.get("tab"), tabs);
  const keep = { limit: rawLimit ?? undefined };
  const props: TabProps = { isAdmin, communityId, limit, query: loc.query };
  return (
    <Screen title={`${t("mod.title")}: ${t(`mod.tab.${tab}`)}`} id="mod-page" wide>
      <p class="meta" id="mod-scope">
        {t("mod.scope")}{" "}
        {community ? (
          <>
            <a href={href(`/c/${encodeURIComponent(community.id)}`)}>{community.name}</a>
            {community.official ? <span class="badge official">{t("common.official")}</span> : null}
            {isAdmin ? (
              <>
                {t("mod.sep")}
                <a href={href("/mod")}>{t("mod.scope_all_link")}</a>
              </>
            ) : null}
          </>
        ) : (
          t("mod.scope_all")
        )}
      </p>
      <nav class="tabs mod-tabs" aria-label={t("mod.tabs")}>
        {tabs.map((name) => (
          <a
            key={name}
            href={tabHref(name, communityId, keep)}
            data-tab={name}
            class={name === tab ? "active" : undefined}
            aria-current={name === tab ? "page" : undefined}
          >
            {t(`mod.tab.${name}`)}
          </a>
        ))}
      </nav>
      <div class="mod-body">
        {tab === "held" ? <HeldTab {...props} /> : null}
        {tab === "reports" ? <ReportsTab {...props} /> : null}
        {tab === "members" ? <MembersTab {...props} /> : null}
        {tab === "audit" ? <AuditTab {...props} /> : null}
      </div>
    </Screen>
  );
}
