// A member's profile (#/m/HANDLE: name, bio, communities, the friend button by how we are linked,
// report) and diary (#/m/HANDLE/diary: entries with their visibility; on one's own, a write form).
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { friends, members, posts, type S } from "../../api";
import { errorText, formatDate, t } from "../../i18n";
import type { ScreenProps } from "../../routes";
import { href, navigate } from "../../router";
import { useSession } from "../../session";
import { confirm } from "../../ui/confirm";
import { Counter, Field, FormError, useForm, values } from "../../ui/form";
import { PagedList, usePaged } from "../../ui/list";
import { Screen } from "../../ui/page";
import { Paragraphs } from "../../ui/text";
import {
  Card, HeldBadge, Pending, type Relation, ReportButton, VISIBILITIES, VisibilityBadge, diaryHref, enc, memberHref, postHref,
  useLoad, visibilityLabel,
  countText,
} from "./common";
import { CommunityItem } from "./home";

export type MemberView = S["MemberPublic"] & { bio?: string | null; relation?: Relation };

/** How the reader and this member are linked; before the API said so, only "self" is known. */
export function relationOf(m: MemberView, myHandle: string | undefined): Relation {
  if (m.relation) return m.relation;
  return m.handle === myHandle ? "self" : "none";
}

/** The friend button: マイミク申請, 申請中 (cancel), 承認/拒否, マイミク (remove), or the settings link for oneself. */
export function FriendActions({ member, relation, onChange }: { member: MemberView; relation: Relation; onChange: (r: Relation) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const act = async (what: "request" | "remove", confirmText?: string, done?: string) => {
    if (confirmText && !(await confirm(confirmText, { danger: what === "remove" }))) return;
    setBusy(true);
    setError(null);
    try {
      if (what === "request") {
        const f = await friends.request(member.handle);
        onChange(f.state);
        setNote(f.state === "friends" ? t("member.friend.now_friends") : t("member.friend.request_sent"));
      } else {
        await friends.remove(member.handle);
        onChange("none");
        setNote(done ?? null);
      }
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const name = member.display_name;
  return (
    <div class="friend-actions" id="friend-actions" data-relation={relation}>
      {relation === "self" ? (
        <a href={href("/settings")} id="edit-profile">{t("member.profile.edit")}</a>
      ) : relation === "none" ? (
        <button type="button" class="primary" id="friend-request" disabled={busy} onClick={() => void act("request")}>{t("member.friend.request")}</button>
      ) : relation === "requested" ? (
        <>
          <span class="badge state" id="friend-state">{t("member.friend.requested")}</span>
          <button type="button" class="small secondary" id="friend-cancel" disabled={busy}
            onClick={() => void act("remove", t("member.friend.cancel_confirm", { name }), t("member.friend.cancelled"))}>
            {t("member.friend.cancel")}
          </button>
        </>
      ) : relation === "pending" ? (
        <>
          <span class="badge state" id="friend-state">{t("member.friend.pending")}</span>
          <button type="button" class="small primary" id="friend-approve" disabled={busy} onClick={() => void act("request")}>{t("member.friend.approve")}</button>
          <button type="button" class="small secondary" id="friend-decline" disabled={busy}
            onClick={() => void act("remove", t("member.friend.decline_confirm", { name }), t("member.friend.declined"))}>
            {t("member.friend.decline")}
          </button>
        </>
      ) : (
        <>
          <span class="badge state friends" id="friend-state">{t("member.friend.friends")}</span>
          <button type="button" class="small danger" id="friend-remove" disabled={busy}
            onClick={() => void act("remove", t("member.friend.remove_confirm", { name }), t("member.friend.removed"))}>
            {t("member.friend.remove")}
          </button>
        </>
      )}
      {note ? <span class="msg-ok inline-note" role="status">{note}</span> : null}
      {error ? <p class="msg-error" role="alert">{error}</p> : null}
    </div>
  );
}

export function Profile({ params }: ScreenProps) {
  const { me } = useSession();
  const { data: m, setData, error } = useLoad(() => members.get(params.handle) as Promise<MemberView>, [params.handle]);
  const joined = usePaged((cursor) => members.communities(params.handle, { cursor, limit: 20 }), [params.handle]);
  const mates = usePaged((cursor) => members.friends(params.handle, { cursor, limit: 20 }), [params.handle]);
  if (!m) return <Pending id="profile-page" error={error} />;
  const relation = relationOf(m, me?.handle);
  return (
    <Screen title={t("member.profile.title", { name: m.display_name })} id="profile-page">
      <div class="columns">
        <div class="side-col">
          <Card id="profile-card" class="profile">
            <dl>
              <dt>{t("member.profile.handle")}</dt>
              <dd>@{m.handle}</dd>
              <dt>{t("member.profile.joined")}</dt>
              <dd>{formatDate(m.joined_at)}</dd>
            </dl>
            {m.bio ? <div class="bio" id="bio"><Paragraphs text={m.bio} /></div> : <p class="muted">{t("member.profile.no_bio")}</p>}
            <FriendActions member={m} relation={relation} onChange={(r) => setData({ ...m, relation: r })} />
            <p class="links">
              <a href={diaryHref(m.handle)} id="diary-link">{t("member.diary.of", { name: m.display_name })}</a>
              {relation === "self" ? <> ・ <a href={href("/friends")}>{t("member.home.friends")}</a></> : null}
            </p>
            {relation !== "self" ? <ReportButton type="member" id={m.handle} label={t("member.profile.report")} /> : null}
          </Card>
        </div>
        <div class="main-col">
          <Card title={t("member.profile.communities")} id="profile-communities">
            <PagedList list={joined} class="list" empty={t("member.profile.no_communities")} render={(c) => <CommunityItem c={c} />} />
          </Card>
          <Card title={t("member.profile.friends")} id="profile-friends">
            <PagedList
              list={mates}
              class="plain"
              empty={t("member.profile.no_friends")}
              render={(f) => (
                <li key={f.handle}>
                  <a href={memberHref(f.handle)}>{f.display_name}</a> <span class="muted">@{f.handle}</span>
                </li>
              )}
            />
          </Card>
        </div>
      </div>
    </Screen>
  );
}

function NewDiary() {
  const form = useForm();
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");
  const onSubmit = (e: JSX.TargetedEvent<HTMLFormElement, Event>) => {
    e.preventDefault();
    const v = values(e);
    void form.run(async () => {
      const p = await posts.writeDiary({ title: v.title, body: v.body, visibility: v.visibility as S["DiaryCreate"]["visibility"] });
      navigate(`/p/${enc(p.id)}`);
    });
  };
  return (
    <form class="card" id="new-diary" onSubmit={onSubmit} noValidate>
      <h2 class="card-title">{t("member.diary.write")}</h2>
      <Field label={t("member.topic.title")} name="title" form="nd" error={form.fields.title}>
        {(p) => <input {...p} required value={title} onInput={(e) => setTitle(e.currentTarget.value)} />}
      </Field>
      <Counter value={title} max={100} />
      <Field label={t("member.topic.body")} name="body" form="nd" error={form.fields.body}>
        {(p) => <textarea {...p} required rows={6} value={body} onInput={(e) => setBody(e.currentTarget.value)} />}
      </Field>
      <Counter value={body} max={10000} />
      <Field label={t("member.diary.visibility")} name="visibility" form="nd" error={form.fields.visibility} hint={t("member.diary.visibility_hint")}>
        {(p) => (
          <select {...p}>
            {VISIBILITIES.map((v) => <option value={v}>{visibilityLabel(v)}</option>)}
          </select>
        )}
      </Field>
      <FormError error={form.error} />
      <button type="submit" class="primary" disabled={form.busy}>{t("member.diary.post")}</button>
    </form>
  );
}

export function Diary({ params }: ScreenProps) {
  const { me } = useSession();
  const { data: m, error } = useLoad(() => members.get(params.handle) as Promise<MemberView>, [params.handle]);
  const entries = usePaged((cursor) => posts.diary(params.handle, { cursor, limit: 20 }), [params.handle]);
  if (!m) return <Pending id="diary-page" error={error} />;
  const own = !!me && me.handle === m.handle;
  return (
    <Screen title={t("member.diary.of", { name: m.display_name })} id="diary-page">
      <p class="crumb"><a href={memberHref(m.handle)}>« {t("member.profile.title", { name: m.display_name })}</a></p>
      {own ? <NewDiary /> : null}
      <Card title={t("member.diary.entries")} id="diary-entries">
        <PagedList
          list={entries}
          id="diary"
          class="list"
          empty={t("member.diary.none")}
          render={(p) => (
            <li class="diary-entry" key={p.id}>
              <a href={postHref(p.id)} class="entry-title">{p.title}</a>
              {p.held ? <HeldBadge /> : null}
              <VisibilityBadge visibility={p.visibility} />
              <span class="meta"> {formatDate(p.created_at)}・{countText("member.topic.comments", p.comment_count)}</span>
            </li>
          )}
        />
      </Card>
    </Screen>
  );
}
