// A topic, inquiry or diary entry (#/p/ID): its text, every comment (paged oldest first, to the
// very end), a comment form whose new comment shows last however long the topic is, editing and
// deleting one's own post and comments, reporting others', and resolving one's own inquiry.
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { posts, type S } from "../../api";
import { errorText, formatDate, formatNumber, t } from "../../i18n";
import type { ScreenProps } from "../../routes";
import { navigate } from "../../router";
import { useSession } from "../../session";
import { confirm } from "../../ui/confirm";
import { Counter, Field, FormError, useForm, values } from "../../ui/form";
import { PagedList } from "../../ui/list";
import { Screen } from "../../ui/page";
import { Paragraphs } from "../../ui/text";
import {
  Card, HeldBadge, HeldNotice, MemberLink, OfficialBadge, Pending, ReportButton, StatusBadge, VISIBILITIES, VisibilityBadge,
  communityHref, diaryHref, enc, useFocusFirst, useLoad, visibilityLabel,
} from "./common";
import { usePagedToEnd } from "./paging";

type Post = S["PostOut"];
type Comment = S["CommentOut"];

/** Comments are read oldest first, this many at a time. */
export const COMMENT_PAGE = 50;

function EditPost({ post, onSaved, onCancel }: { post: Post; onSaved: (p: Post) => void; onCancel: () => void }) {
  const form = useForm();
  const ref = useFocusFirst();
  const [title, setTitle] = useState(post.title);
  const [body, setBody] = useState(post.body);
  const onSubmit = (e: JSX.TargetedEvent<HTMLFormElement, Event>) => {
    e.preventDefault();
    const v = values(e);
    void form.run(async () => {
      const b: S["PostUpdate"] = { title: v.title, body: v.body, visibility: null };
      if (post.kind === "diary") b.visibility = v.visibility as Post["visibility"];
      onSaved(await posts.update(post.id, b));
    });
  };
  return (
    <form ref={ref} class="card edit-form" id="edit-post" onSubmit={onSubmit} noValidate>
      <h2 class="card-title">{t("member.post.edit")}</h2>
      <Field label={t("member.topic.title")} name="title" form="ep" error={form.fields.title}>
        {(p) => <input {...p} required value={title} onInput={(e) => setTitle(e.currentTarget.value)} />}
      </Field>
      <Counter value={title} max={100} />
      <Field label={t("member.topic.body")} name="body" form="ep" error={form.fields.body}>
        {(p) => <textarea {...p} required rows={8} value={body} onInput={(e) => setBody(e.currentTarget.value)} />}
      </Field>
      <Counter value={body} max={10000} />
      {post.kind === "diary" ? (
        <Field label={t("member.diary.visibility")} name="visibility" form="ep" error={form.fields.visibility}>
          {(p) => (
            <select {...p}>
              {VISIBILITIES.map((v) => <option value={v} selected={v === post.visibility}>{visibilityLabel(v)}</option>)}
            </select>
          )}
        </Field>
      ) : null}
      <FormError error={form.error} />
      <div class="actions">
        <button type="submit" class="primary" disabled={form.busy}>{t("common.save")}</button>
        <button type="button" class="secondary" onClick={onCancel}>{t("common.cancel")}</button>
      </div>
    </form>
  );
}

function EditComment({ post, comment, onSaved, onCancel }: { post: Post; comment: Comment; onSaved: (c: Comment) => void; onCancel: () => void }) {
  const form = useForm();
  const ref = useFocusFirst();
  const [body, setBody] = useState(comment.body);
  const onSubmit = (e: JSX.TargetedEvent<HTMLFormElement, Event>) => {
    e.preventDefault();
    const v = values(e);
    void form.run(async () => onSaved(await posts.updateComment(post.id, comment.id, { body: v.body })));
  };
  return (
    <form ref={ref} class="edit-comment" onSubmit={onSubmit} noValidate>
      <Field label={t("member.comment.edit_label")} name="body" form={`ec-${comment.id}`} error={form.fields.body}>
        {(p) => <textarea {...p} required rows={3} value={body} onInput={(e) => setBody(e.currentTarget.value)} />}
      </Field>
      <Counter value={body} max={5000} />
      <FormError error={form.error} />
      <div class="actions">
        <button type="submit" class="small primary" disabled={form.busy}>{t("common.save")}</button>
        <button type="button" class="small secondary" onClick={onCancel}>{t("common.cancel")}</button>
      </div>
    </form>
  );
}

type CommentProps = {
  post: Post;
  comment: Comment;
  number: number;
  mine: boolean;
  canResolve: boolean;
  onChange: (c: Comment | null) => void;
  onResolve: (c: Comment) => void;
};

function CommentItem({ post, comment: cm, number, mine, canResolve, onChange, onResolve }: CommentProps) {
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const accepted = post.accepted_comment_id === cm.id;
  const remove = async () => {
    if (!(await confirm(t("member.comment.delete_confirm"), { danger: true, confirmLabel: t("common.delete") }))) return;
    try {
      await posts.removeComment(post.id, cm.id);
      onChange(null);
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <li
      key={cm.id}
      id={`comment-${cm.id}`}
      data-comment-id={cm.id}
      class={`comment${cm.official ? " official" : ""}${cm.held ? " held" : ""}${accepted ? " accepted" : ""}${mine ? " mine" : ""}`}
      tabIndex={-1}
    >
      <p class="meta">
        <span class="num">{number}.</span> <MemberLink who={cm.author} />
        {cm.official ? <OfficialBadge /> : null}
        {cm.held ? <HeldBadge /> : null}
        {accepted ? <span class="badge status-resolved best">{t("member.comment.best")}</span> : null}
        <span class="when">・{formatDate(cm.created_at)}</span>
      </p>
      {cm.held ? <HeldNotice /> : null}
      {editing ? (
        <EditComment post={post} comment={cm} onCancel={() => setEditing(false)} onSaved={(c) => { setEditing(false); onChange(c); }} />
      ) : (
        <Paragraphs text={cm.body} />
      )}
      {error ? <p class="msg-error" role="alert">{error}</p> : null}
      {!editing ? (
        <div class="row-actions">
          {mine ? (
            <>
              <button type="button" class="small secondary edit-comment-button" onClick={() => setEditing(true)}>{t("common.edit")}</button>
              <button type="button" class="small danger delete-comment" onClick={() => void remove()}>{t("common.delete")}</button>
            </>
          ) : cm.author.handle ? (
            <ReportButton type="comment" id={`${post.id}/${cm.id}`} />
          ) : null}
          {canResolve && !cm.held ? (
            <button type="button" class="small primary resolve" onClick={() => onResolve(cm)}>{t("member.comment.resolve")}</button>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}

function NewComment({ post, onPosted }: { post: Post; onPosted: (c: Comment) => Promise<void> }) {
  const form = useForm();
  const [body, setBody] = useState("");
  const onSubmit = (e: JSX.TargetedEvent<HTMLFormElement, Event>) => {
    e.preventDefault();
    const v = values(e);
    void form.run(async () => {
      const cm = await posts.comment(post.id, { body: v.body });
      setBody("");
      await onPosted(cm);
    });
  };
  return (
    <form class="card" id="new-comment" onSubmit={onSubmit} noValidate>
      <Field label={t("member.comment.write")} name="body" form="nc" error={form.fields.body}>
        {(p) => <textarea {...p} required rows={4} value={body} onInput={(e) => setBody(e.currentTarget.value)} />}
      </Field>
      <Counter value={body} max={5000} />
      <FormError error={form.error} />
      <button type="submit" class="primary" disabled={form.busy}>{t("member.comment.post")}</button>
    </form>
  );
}

export function PostPage({ params }: ScreenProps) {
  const { me } = useSession();
  const { data: post, setData: setPost, error } = useLoad(() => posts.get(params.id), [params.id]);
  const comments = usePagedToEnd<Comment>((cursor) => posts.comments(params.id, { cursor, limit: COMMENT_PAGE }), [params.id]);
  const [editing, setEditing] = useState(false);
  const [actionError, setActionError] = useState<string | null>(null);
  if (!post) return <Pending id="post-page" error={error} />;

  const mine = !!me && post.author.handle === me.handle;
  const canResolve = mine && post.kind === "inquiry" && post.status !== "resolved" && !post.held;
  const back = post.community
    ? { href: communityHref(post.community.id), label: post.community.name }
    : post.author.handle
      ? { href: diaryHref(post.author.handle), label: t("member.diary.of", { name: post.author.display_name }) }
      : null;

  const removePost = async () => {
    if (!(await confirm(t("member.post.delete_confirm"), { danger: true, confirmLabel: t("common.delete") }))) return;
    try {
      await posts.remove(post.id);
      navigate(post.community ? `/c/${enc(post.community.id)}` : me ? `/m/${enc(me.handle)}/diary` : "/");
    } catch (err) {
      setActionError(errorText(err));
    }
  };
  const resolve = async (cm: Comment) => {
    if (!(await confirm(t("member.comment.resolve_confirm"), { confirmLabel: t("member.comment.resolve") }))) return;
    try {
      setPost(await posts.resolve(post.id, { comment_id: cm.id }));
    } catch (err) {
      setActionError(errorText(err));
    }
  };
  const posted = async (cm: Comment) => {
    // Read to the end first, so the new comment lands after every older one.
    await comments.toEnd();
    comments.add([cm]);
    setPost({ ...post, comment_count: post.comment_count + 1 });
    requestAnimationFrame(() => {
      const el = document.getElementById(`comment-${cm.id}`);
      el?.scrollIntoView({ block: "center" });
      el?.focus({ preventScroll: true });
    });
  };
  const changed = (id: string) => (c: Comment | null) => {
    if (c) comments.setItems((old) => old.map((x) => (x.id === id ? c : x)));
    else {
      comments.setItems((old) => old.filter((x) => x.id !== id));
      setPost({ ...post, comment_count: Math.max(0, post.comment_count - 1) });
    }
  };

  return (
    <Screen title={post.title} id="post-page">
      {back ? <p class="crumb"><a href={back.href} id="post-back">« {back.label}</a></p> : null}
      {editing ? (
        <EditPost post={post} onCancel={() => setEditing(false)} onSaved={(p) => { setPost(p); setEditing(false); }} />
      ) : (
        <article class="card post" id="post">
          <p class="badges">
            {post.kind === "inquiry" ? <span class="badge kind-inquiry">{t("member.post.inquiry")}</span> : null}
            {post.kind === "diary" ? <span class="badge">{t("member.post.diary")}</span> : null}
            <StatusBadge status={post.status} />
            {post.kind === "diary" ? <VisibilityBadge visibility={post.visibility} /> : null}
            {post.held ? <HeldBadge /> : null}
          </p>
          {post.held ? <HeldNotice /> : null}
          <p class="meta">
            <MemberLink who={post.author} />・{formatDate(post.created_at)}
            {post.updated_at !== post.created_at ? `・${t("member.post.edited")}` : ""}
          </p>
          <Paragraphs text={post.body} />
          {actionError ? <p class="msg-error" role="alert">{actionError}</p> : null}
          <div class="row-actions">
            {mine ? (
              <>
                <button type="button" class="small secondary" id="edit-post-button" onClick={() => setEditing(true)}>{t("common.edit")}</button>
                <button type="button" class="small danger" id="delete-post" onClick={() => void removePost()}>{t("common.delete")}</button>
              </>
            ) : post.author.handle ? (
              <ReportButton type="post" id={post.id} />
            ) : null}
          </div>
        </article>
      )}
      <Card title={t("member.comment.title", { count: formatNumber(post.comment_count) })} id="comments-card">
        {canResolve ? <p class="hint">{t("member.comment.resolve_hint")}</p> : null}
        <PagedList
          list={comments}
          id="comments"
          class="comments"
          empty={t("member.comment.none")}
          render={(cm) => (
            <CommentItem
              post={post}
              comment={cm}
              number={comments.items.indexOf(cm) + 1}
              mine={!!me && cm.author.handle === me.handle}
              canResolve={canResolve}
              onChange={changed(cm.id)}
              onResolve={(c) => void resolve(c)}
            />
          )}
        />
      </Card>
      <NewComment post={post} onPosted={posted} />
    </Screen>
  );
}
