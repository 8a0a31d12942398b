// The inquiry inbox: by status, oldest first, each with how long it waited. Staff answer under
// each inquiry (their comment is the official answer), read the thread in place, and mark an
// inquiry resolved by accepting an answer (POST /posts/{id}/resolve: its author or the staff).
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { companies, posts, type S } from "../../api";
import { errorText, formatDate, t, useLang } from "../../i18n";
import { href } from "../../router";
import { confirm } from "../../ui/confirm";
import { Counter, Field, FormError, useForm } from "../../ui/form";
import { PagedList, usePaged } from "../../ui/list";
import { Paragraphs } from "../../ui/text";
import { companyPath, InquiryStatus } from "./common";
import { formatDuration } from "./logic";

const STATUSES = ["open", "answered", "resolved"] as const;
type Status = (typeof STATUSES)[number];
const COMMENT_MAX = 5000;

export function Inbox({ companyId, status: asked }: { companyId: string; status: string | null }) {
  const status: Status = STATUSES.includes(asked as Status) ? (asked as Status) : "open";
  const list = usePaged((cursor) => companies.inbox(companyId, { status, cursor, limit: 20 }), [companyId, status]);
  return (
    <section id="inbox" aria-labelledby="inbox-title">
      <h2 id="inbox-title" class="visually-hidden">{t("dashboard.tab.inbox")}</h2>
      <nav class="filter-links" aria-label={t("dashboard.inbox.filter")}>
        {STATUSES.map((s) => (
          <a
            key={s}
            id={`inbox-${s}`}
            href={href(companyPath(companyId), { tab: "inbox", status: s })}
            class={s === status ? "active" : undefined}
            aria-current={s === status ? "page" : undefined}
          >
            {t(`dashboard.inbox.status.${s}`)}
          </a>
        ))}
      </nav>
      <p class="hint">{t("dashboard.inbox.hint")}</p>
      <PagedList
        list={list}
        id="inbox-list"
        class="inbox-list"
        empty={t(`dashboard.inbox.empty.${status}`)}
        render={(e) => <InquiryItem key={e.inquiry.id} entry={e} listStatus={status} />}
      />
    </section>
  );
}

function InquiryItem({ entry, listStatus }: { entry: S["InboxEntry"]; listStatus: Status }) {
  const lang = useLang();
  const [post, setPost] = useState(entry.inquiry);
  const [posted, setPosted] = useState<S["CommentOut"][]>([]);
  const [open, setOpen] = useState(false);
  const [body, setBody] = useState("");
  const [resolveError, setResolveError] = useState<string | null>(null);
  const form = useForm();
  const q = post;
  const fid = `answer-${q.id}`;

  const onSubmit = (e: JSX.TargetedEvent<HTMLFormElement, Event>) => {
    e.preventDefault();
    void form
      .run(async () => {
        const c = await posts.comment(q.id, { body });
        setPosted((old) => [...old, c]);
        if (c.official && q.status === "open") setPost({ ...q, status: "answered", comment_count: q.comment_count + 1 });
        else setPost({ ...q, comment_count: q.comment_count + 1 });
      })
      .then((ok) => ok && setBody(""));
  };

  const resolve = async (c: S["CommentOut"]) => {
    if (!(await confirm(t("dashboard.inbox.resolve_confirm"), { confirmLabel: t("dashboard.inbox.resolve") }))) return;
    setResolveError(null);
    try {
      setPost(await posts.resolve(q.id, { comment_id: c.id }));
    } catch (err) {
      setResolveError(errorText(err));
    }
  };

  const waited = formatDuration(entry.waiting_s, lang);
  return (
    <li class={`inquiry card status-${q.status}-item`} id={`inquiry-${q.id}`}>
      <p class="meta">
        <InquiryStatus status={q.status ?? "open"} />
        {q.community ? <span class="where">{q.community.name}</span> : null}
        <span class="who">{q.author.handle ? q.author.display_name : t("common.withdrawn_member")}</span>
        <time dateTime={q.created_at}>{formatDate(q.created_at)}</time>
        <strong class="waiting">
          {listStatus === "open" && q.status === "open" ? t("dashboard.inbox.waiting", { time: waited }) : t("dashboard.inbox.first_answer", { time: waited })}
        </strong>
      </p>
      <h3 class="inquiry-title">
        <a href={href(`/p/${encodeURIComponent(q.id)}`)}>{q.title}</a>
      </h3>
      <Paragraphs text={q.body} />
      {q.status !== "open" && listStatus === "open" ? (
        <p class="msg-ok answered-note" role="status">{t(q.status === "resolved" ? "dashboard.inbox.now_resolved" : "dashboard.inbox.now_answered")}</p>
      ) : null}
      {posted.length && !open ? (
        <ol class="comments posted">
          {posted.map((c) => (
            <Answer key={c.id} c={c} canResolve={q.status !== "resolved"} accepted={q.accepted_comment_id === c.id} onResolve={resolve} />
          ))}
        </ol>
      ) : null}
      {q.comment_count ? (
        <p>
          <button type="button" class="link thread-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
            {open ? t("dashboard.inbox.hide_thread") : t("dashboard.inbox.show_thread", { count: q.comment_count })}
          </button>
        </p>
      ) : null}
      {open ? <Thread post={q} onResolve={resolve} /> : null}
      <FormError error={resolveError} />
      {q.status !== "resolved" ? (
        <form class="answer-form" onSubmit={onSubmit} noValidate>
          <Field label={t("dashboard.inbox.answer")} name="body" form={fid} error={form.fields.body} hint={t("dashboard.inbox.answer_hint")}>
            {(p) => <textarea {...p} rows={3} value={body} onInput={(e) => setBody(e.currentTarget.value)} />}
          </Field>
          <Counter value={body} max={COMMENT_MAX} />
          <FormError error={form.error} />
          <button type="submit" class="primary" disabled={form.busy}>{t("dashboard.inbox.answer_button")}</button>
        </form>
      ) : listStatus === "resolved" ? (
        <p class="hint">{t("dashboard.inbox.resolved_hint")}</p>
      ) : null}
    </li>
  );
}

/** The inquiry's whole thread (the answers just posted included), paged to its end. */
function Thread({ post, onResolve }: { post: S["PostOut"]; onResolve: (c: S["CommentOut"]) => void }) {
  const list = usePaged((cursor) => posts.comments(post.id, { cursor, limit: 50 }), [post.id]);
  return (
    <div class="thread">
      <PagedList
        list={list}
        class="comments"
        empty={t("dashboard.inbox.no_comments")}
        render={(c) => (
          <Answer key={c.id} c={c} canResolve={post.status !== "resolved"} accepted={post.accepted_comment_id === c.id} onResolve={onResolve} />
        )}
      />
    </div>
  );
}

function Answer({ c, canResolve, accepted, onResolve }: { c: S["CommentOut"]; canResolve: boolean; accepted: boolean; onResolve: (c: S["CommentOut"]) => void }) {
  return (
    <li class={`comment${c.official ? " official" : ""}`} id={`comment-${c.id}`}>
      <p class="meta">
        {c.official ? <span class="badge official">{t("common.official")}</span> : null}
        {accepted ? <span class="badge status-resolved">{t("dashboard.inbox.accepted")}</span> : null}
        {c.held ? <span class="badge held">{t("common.held")}</span> : null}
        <span class="who">{c.author.handle ? c.author.display_name : t("common.withdrawn_member")}</span>
        <time dateTime={c.created_at}>{formatDate(c.created_at)}</time>
      </p>
      <Paragraphs text={c.body} />
      {canResolve && c.official && !c.held ? (
        <button type="button" class="small secondary resolve" onClick={() => onResolve(c)}>{t("dashboard.inbox.resolve")}</button>
      ) : null}
    </li>
  );
}
