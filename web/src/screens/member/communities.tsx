// Communities: browsing (#/communities?category=&sort=&tab=mine), one community (#/c/ID: join or
// leave, topics, a new topic, an official community's company and its public response record)
// and its members (#/c/ID/members).
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { communities, companies, members, type S } from "../../api";
import { errorText, formatDate, formatNumber, getLang, t } from "../../i18n";
import type { ScreenProps } from "../../routes";
import { href, navigate } from "../../router";
import { useSession } from "../../session";
import { confirm } from "../../ui/confirm";
import { Counter, Field, FormError, useForm, values } from "../../ui/form";
import { PagedList, usePaged } from "../../ui/list";
import { Screen } from "../../ui/page";
import { Paragraphs } from "../../ui/text";
import {
  CATEGORIES, Card, HeldBadge, MemberLink, OfficialBadge, Pending, StatusBadge, Tabs, categoryLabel, communityHref, enc,
  formatDuration, postHref, safeWebsite, useLoad,
  countText,
} from "./common";
import { CommunityItem, NewCommunityForm } from "./home";

type Community = S["CommunityOut"];

export function Communities({ loc }: ScreenProps) {
  const { me } = useSession();
  const tab = loc.query.get("tab") === "mine" ? "mine" : "all";
  const category = loc.query.get("category") ?? "";
  const sort = loc.query.get("sort") === "new" ? "new" : "members";
  const list = usePaged(
    (cursor) =>
      tab === "mine"
        ? members.communities(me?.handle ?? "", { cursor, limit: 20 })
        : communities.list({ cursor, limit: 20, category: category || undefined, sort }),
    [tab, category, sort],
  );
  const go = (q: Record<string, string>) => navigate(href("/communities", { category, sort: sort === "members" ? "" : sort, ...q }));
  return (
    <Screen title={t("member.communities.title")} id="communities-page">
      <Tabs
        label={t("member.communities.title")}
        tabs={[
          { href: href("/communities"), label: t("member.communities.all"), active: tab === "all", id: "tab-all" },
          { href: href("/communities", { tab: "mine" }), label: t("member.communities.mine"), active: tab === "mine", id: "tab-mine" },
        ]}
      />
      {tab === "all" ? (
        <div class="filters" id="community-filters">
          <div class="field">
            <label for="filter-category">{t("member.community.category")}</label>
            <select id="filter-category" value={category} onChange={(e) => go({ category: e.currentTarget.value })}>
              <option value="">{t("member.communities.all_categories")}</option>
              {CATEGORIES.map((c) => <option value={c}>{categoryLabel(c)}</option>)}
            </select>
          </div>
          <div class="field">
            <label for="filter-sort">{t("member.communities.sort")}</label>
            <select id="filter-sort" value={sort} onChange={(e) => go({ sort: e.currentTarget.value === "new" ? "new" : "" })}>
              <option value="members">{t("member.communities.sort_members")}</option>
              <option value="new">{t("member.communities.sort_new")}</option>
            </select>
          </div>
        </div>
      ) : null}
      <Card id="community-list">
        <PagedList
          list={list}
          class="list"
          id="communities"
          empty={tab === "mine" ? t("member.home.no_communities") : t("member.communities.none")}
          render={(c) => <CommunityItem c={c} />}
        />
      </Card>
      <details class="card" id="new-community-box">
        <summary>{t("member.community.new")}</summary>
        <NewCommunityForm />
      </details>
    </Screen>
  );
}

const ROLE_KEY = { owner: "member.role.owner", moderator: "member.role.moderator", member: "member.role.member" } as const;

/** The company's public response record (GET /companies/{id}/metrics), for members to judge it by. */
function CompanyRecord({ companyId }: { companyId: string }) {
  const company = useLoad(() => companies.get(companyId), [companyId]);
  const metrics = useLoad(() => companies.metrics(companyId), [companyId]);
  const m = metrics.data;
  const lang = getLang();
  const site = safeWebsite(company.data?.website);
  const ratio = m?.answered_within_24h_ratio;
  return (
    <Card title={t("member.company.title")} id="company-record">
      {company.data ? (
        <p class="company">
          <strong id="company-name">{company.data.name}</strong>
          {site ? (
            <>
              {" ・ "}
              <a href={site} rel="noopener noreferrer" target="_blank" id="company-website">{company.data.website}</a>
            </>
          ) : null}
        </p>
      ) : null}
      <p class="hint">{t("member.company.official_hint")}</p>
      {metrics.error ? <p class="msg-error" role="alert">{metrics.error}</p> : null}
      {m ? (
        <dl class="metrics" id="company-metrics">
          <div>
            <dt>{t("member.company.within_24h")}</dt>
            <dd>{ratio === null || ratio === undefined ? "—" : `${formatNumber(ratio * 100)}%`}</dd>
          </div>
          <div>
            <dt>{t("member.company.median")}</dt>
            <dd>{formatDuration(m.median_first_response_s, lang)}</dd>
          </div>
          <div>
            <dt>{t("member.company.p90")}</dt>
            <dd>{formatDuration(m.p90_first_response_s, lang)}</dd>
          </div>
          <div>
            <dt>{t("member.company.open")}</dt>
            <dd>{formatNumber(m.open)}</dd>
          </div>
          <div>
            <dt>{t("member.company.answered")}</dt>
            <dd>{formatNumber(m.answered)}</dd>
          </div>
          <div>
            <dt>{t("member.company.resolved")}</dt>
            <dd>{formatNumber(m.resolved)}</dd>
          </div>
        </dl>
      ) : null}
    </Card>
  );
}

function NewTopic({ c }: { c: Community }) {
  const form = useForm();
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");
  const onSubmit = (e: JSX.TargetedEvent<HTMLFormElement, Event>) => {
    e.preventDefault();
    const v = values(e);
    void form.run(async () => {
      const p = await communities.createPost(c.id, { title: v.title, body: v.body });
      navigate(`/p/${enc(p.id)}`);
    });
  };
  return (
    <form class="card" id="new-topic" onSubmit={onSubmit} noValidate>
      <h2 class="card-title">{c.official ? t("member.topic.new_inquiry") : t("member.topic.new")}</h2>
      {c.official ? <p class="hint">{t("member.topic.inquiry_hint")}</p> : null}
      <Field label={t("member.topic.title")} name="title" form="nt" error={form.fields.title}>
        {(p) => <input {...p} required value={title} onInput={(e) => setTitle(e.currentTarget.value)} />}
      </Field>
      <Counter value={title} max={100} />
      <Field label={t("member.topic.body")} name="body" form="nt" error={form.fields.body}>
        {(p) => <textarea {...p} required rows={6} value={body} onInput={(e) => setBody(e.currentTarget.value)} />}
      </Field>
      <Counter value={body} max={10000} />
      <FormError error={form.error} />
      <button type="submit" class="primary" disabled={form.busy}>{t("member.topic.post")}</button>
    </form>
  );
}

export function CommunityPage({ params }: ScreenProps) {
  const { me } = useSession();
  const { data: c, setData, error } = useLoad(() => communities.get(params.id), [params.id]);
  const topics = usePaged((cursor) => communities.posts(params.id, { cursor, limit: 30 }), [params.id]);
  const [staff, setStaff] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const companyId = c?.company?.id;
  useEffect(() => {
    if (!companyId) return;
    companies.mine().then((r) => setStaff(r.items.some((x) => x.id === companyId)), () => setStaff(false));
  }, [companyId]);
  if (!c) return <Pending id="community-page" error={error} />;

  const membership = async (join: boolean) => {
    if (!join && !(await confirm(t("member.community.leave_confirm", { name: c.name }), { danger: true, confirmLabel: t("member.community.leave") }))) return;
    setBusy(true);
    setActionError(null);
    try {
      setData(join ? await communities.join(c.id) : await communities.leave(c.id));
    } catch (err) {
      setActionError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const canModerate = c.your_role === "owner" || c.your_role === "moderator" || !!me?.roles.includes("admin") || staff;
  return (
    <Screen title={c.name} id="community-page">
      <Card id="community-head" class="community-head">
        <p class="badges">
          {c.official ? <OfficialBadge /> : null}
          <span class="badge">{categoryLabel(c.category)}</span>
          {c.your_role ? <span class="badge role" id="your-role">{t("member.community.you", { role: t(ROLE_KEY[c.your_role]) })}</span> : null}
        </p>
        {c.description ? <div class="description"><Paragraphs text={c.description} /></div> : null}
        <p class="meta">
          {countText("member.community.member_count", c.member_count)}
          {"・"}
          {t("member.community.owner")} <MemberLink who={c.owner} />
          {"・"}
          {t("member.community.created", { date: formatDate(c.created_at) })}
        </p>
        <div class="actions">
          {!c.your_role ? (
            <button type="button" id="join" class="primary" disabled={busy} onClick={() => void membership(true)}>{t("member.community.join")}</button>
          ) : c.your_role !== "owner" ? (
            <button type="button" id="leave" class="secondary" disabled={busy} onClick={() => void membership(false)}>{t("member.community.leave")}</button>
          ) : null}
          <a href={href(`/c/${enc(c.id)}/members`)} id="members-link">{t("member.community.members_link")}</a>
          {canModerate ? <a href={href("/mod", { community_id: c.id })} id="mod-link">{t("member.community.moderation")}</a> : null}
          {staff && c.company ? <a href={href("/dashboard", { company: c.company.id, community: c.id })} id="dashboard-link">{t("member.community.dashboard")}</a> : null}
        </div>
        {actionError ? <p class="msg-error" role="alert">{actionError}</p> : null}
      </Card>
      {c.company ? <CompanyRecord companyId={c.company.id} /> : null}
      <Card title={c.official ? t("member.topic.inquiries") : t("member.topic.list")} id="topics-card">
        <PagedList
          list={topics}
          id="topics"
          class="list topics"
          empty={t("member.topic.none")}
          render={(p) => (
            <li class="topic" key={p.id}>
              <a href={postHref(p.id)} class="topic-title">{p.title}</a>
              {p.held ? <HeldBadge /> : null}
              <StatusBadge status={p.status} />
              <span class="meta">
                {" "}
                <MemberLink who={p.author} />・{formatDate(p.created_at)}・{countText("member.topic.comments", p.comment_count)}
              </span>
            </li>
          )}
        />
      </Card>
      {c.your_role ? <NewTopic c={c} /> : <p class="hint card" id="join-to-post">{t("member.topic.join_to_post")}</p>}
    </Screen>
  );
}

export function CommunityMembers({ params }: ScreenProps) {
  const { data: c, error } = useLoad(() => communities.get(params.id), [params.id]);
  const list = usePaged((cursor) => communities.members(params.id, { cursor, limit: 50 }), [params.id]);
  const [rowError, setRowError] = useState<string | null>(null);
  if (!c) return <Pending id="community-members-page" error={error} />;
  const owner = c.your_role === "owner";
  const setModerator = async (m: S["CommunityMemberOut"], on: boolean) => {
    if (!m.handle) return;
    if (!on && !(await confirm(t("member.members.demote_confirm", { name: m.display_name }), { danger: true }))) return;
    setRowError(null);
    try {
      const updated = on ? await communities.addModerator(c.id, m.handle) : await communities.removeModerator(c.id, m.handle);
      list.setItems((old) => old.map((x) => (x.handle === m.handle ? updated : x)));
    } catch (err) {
      setRowError(errorText(err));
    }
  };
  return (
    <Screen title={t("member.members.title", { name: c.name })} id="community-members-page">
      <p><a href={communityHref(c.id)}>« {c.name}</a></p>
      <Card>
        {rowError ? <p class="msg-error" role="alert">{rowError}</p> : null}
        <PagedList
          list={list}
          id="members"
          class="list"
          render={(m) => (
            <li class="member-row" key={m.handle ?? m.joined_at}>
              <MemberLink who={m} />
              <span class={`badge role-${m.role}`}>{t(ROLE_KEY[m.role])}</span>
              <span class="meta"> {t("member.members.joined", { date: formatDate(m.joined_at) })}</span>
              {owner && m.handle && m.role !== "owner" ? (
                <button type="button" class="small secondary" onClick={() => void setModerator(m, m.role !== "moderator")}>
                  {m.role === "moderator" ? t("member.members.demote") : t("member.members.promote")}
                </button>
              ) : null}
            </li>
          )}
        />
      </Card>
    </Screen>
  );
}
