// Home (#/): the greeting, my communities, my friends' new diary entries, the invites I have left,
// a "new community" form and the site's numbers.
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { communities, members, notifications, type S } from "../../api";
import { formatDate, formatNumber, t } from "../../i18n";
import type { ScreenProps } from "../../routes";
import { href, navigate } from "../../router";
import { useSession } from "../../session";
import { Counter, Field, FormError, useForm, values } from "../../ui/form";
import { PagedList, usePaged } from "../../ui/list";
import { Screen } from "../../ui/page";
import {
  CATEGORIES, Card, HeldBadge, MemberLink, OfficialBadge, categoryLabel, communityHref, diaryHref, enc, memberHref, postHref,
  VisibilityBadge,
  countText,
} from "./common";

export function CommunityItem({ c }: { c: S["CommunityOut"] }) {
  return (
    <li class="community-item" key={c.id}>
      <a href={communityHref(c.id)} class="community-name">{c.name}</a>
      {c.official ? <OfficialBadge /> : null}
      <span class="meta">
        {" "}
        {categoryLabel(c.category)}・{countText("member.community.member_count", c.member_count)}
        {c.company ? `・${c.company.name}` : ""}
      </span>
    </li>
  );
}

function Stats() {
  const [stats, setStats] = useState<S["Stats"] | null>(null);
  useEffect(() => {
    members.stats().then(setStats, () => undefined);
  }, []);
  return (
    <Card title={t("member.home.stats")} id="stats">
      {stats ? (
        <ul class="stats">
          <li>{t("member.home.stats_members")} <strong>{formatNumber(stats.members.cumulative)}</strong></li>
          <li>{t("member.home.stats_active")} <strong>{formatNumber(stats.members.active)}</strong></li>
          <li>{t("member.home.stats_communities")} <strong>{formatNumber(stats.communities)}</strong></li>
          <li>{t("member.home.stats_posts")} <strong>{formatNumber(stats.posts)}</strong></li>
        </ul>
      ) : (
        <p class="muted">{t("app.loading")}</p>
      )}
    </Card>
  );
}

/** How many notifications are unread, linking to them (the list itself is #/notifications). */
function NotificationsSummary() {
  const [count, setCount] = useState<number | null>(null);
  useEffect(() => {
    notifications.unread().then((r) => setCount(r.count), () => setCount(null));
  }, []);
  if (count === null) return null;
  return (
    <Card title={t("nav.notifications")} id="home-notifications">
      <p>{count ? t(count === 1 ? "member.home.unread_one" : "member.home.unread", { count: formatNumber(count) }) : t("member.home.no_unread")}</p>
      <p class="links"><a href={href("/notifications")}>{t("member.home.see_notifications")}</a></p>
    </Card>
  );
}

export function NewCommunityForm() {
  const form = useForm();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const onSubmit = (e: JSX.TargetedEvent<HTMLFormElement, Event>) => {
    e.preventDefault();
    const v = values(e);
    void form.run(async () => {
      const c = await communities.create({ name: v.name, category: v.category as S["CommunityCreate"]["category"], description: v.description, company_id: null });
      navigate(`/c/${enc(c.id)}`);
    });
  };
  return (
    <form class="card" id="new-community" onSubmit={onSubmit} noValidate>
      <h2 class="card-title">{t("member.community.new")}</h2>
      <Field label={t("member.community.name")} name="name" form="nc" error={form.fields.name}>
        {(p) => <input {...p} required maxLength={50} value={name} onInput={(e) => setName(e.currentTarget.value)} />}
      </Field>
      <Counter value={name} max={50} />
      <Field label={t("member.community.category")} name="category" form="nc" error={form.fields.category}>
        {(p) => (
          <select {...p}>
            {CATEGORIES.map((c) => <option value={c}>{categoryLabel(c)}</option>)}
          </select>
        )}
      </Field>
      <Field label={t("member.community.description")} name="description" form="nc" error={form.fields.description}>
        {(p) => <textarea {...p} rows={3} maxLength={2000} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />}
      </Field>
      <Counter value={description} max={2000} />
      <FormError error={form.error} />
      <button type="submit" class="primary" disabled={form.busy}>{t("member.community.create")}</button>
    </form>
  );
}

export function Home(_: ScreenProps) {
  const { me } = useSession();
  const mine = usePaged((cursor) => members.communities(me?.handle ?? "", { cursor, limit: 20 }), [me?.handle]);
  const feed = usePaged((cursor) => notifications.diaryFeed({ cursor, limit: 10 }), []);
  if (!me) return null;
  return (
    <Screen title={t("member.home.greeting", { name: me.display_name })} id="home-page">
      <div class="columns">
        <div class="side-col">
          <Card id="profile" class="profile">
            <dl>
              <dt>{t("member.profile.handle")}</dt>
              <dd>@{me.handle}</dd>
              <dt>{t("member.profile.invited_by")}</dt>
              <dd>{me.invited_by ? <a href={memberHref(me.invited_by)}>@{me.invited_by}</a> : "—"}</dd>
              <dt>{t("member.profile.joined")}</dt>
              <dd>{formatDate(me.created_at)}</dd>
            </dl>
            <p class="links">
              <a href={memberHref(me.handle)}>{t("member.home.my_profile")}</a>
              {" ・ "}
              <a href={diaryHref(me.handle)}>{t("member.home.my_diary")}</a>
            </p>
          </Card>
          <NotificationsSummary />
          <Card title={t("member.invites.title")} id="home-invites">
            <p>{t("member.invites.left", { count: me.invites_left })}</p>
            <p><a href={href("/invites")} class="button-link">{t("member.home.invite_friends")}</a></p>
          </Card>
          <Stats />
        </div>
        <div class="main-col">
          <Card title={t("member.home.my_communities")} id="my-communities">
            <PagedList
              list={mine}
              class="list"
              empty={t("member.home.no_communities")}
              render={(c) => <CommunityItem c={c} />}
            />
            <p class="links"><a href={href("/communities")}>{t("member.home.browse_communities")}</a></p>
          </Card>
          <Card title={t("member.home.diary_feed")} id="diary-feed">
            <PagedList
              list={feed}
              class="list"
              empty={t("member.home.no_feed")}
              render={(p) => (
                <li key={p.id} class="feed-item">
                  <a href={postHref(p.id)}>{p.title}</a>
                  {p.held ? <HeldBadge /> : null}
                  <VisibilityBadge visibility={p.visibility} />
                  <span class="meta"> <MemberLink who={p.author} />・{formatDate(p.created_at)}</span>
                </li>
              )}
            />
            <p class="links"><a href={href("/friends")}>{t("member.home.friends")}</a></p>
          </Card>
          <NewCommunityForm />
        </div>
      </div>
    </Screen>
  );
}
