// #/dashboard/<company>/campaigns/new and …/<campaign>/edit: the campaign form. The target is the
// company's official community or one of its topics; headline and text count their characters as
// they are typed; keywords are rows (text, match type, max CPC); negative keywords are rows too.
// The API checks everything: each of its field errors is shown at its input, a keyword row's
// (`keywords.1.max_cpc`) at that row's. `?community=ID` names an official community already found.
import type { JSX } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, campaigns, type S } from "../../api";
import { errorText, fieldErrorText, formatNumber, t } from "../../i18n";
import type { ScreenProps } from "../../routes";
import { href, navigate } from "../../router";
import { Counter, Field, FormError } from "../../ui/form";
import { Screen } from "../../ui/page";
import { companyPath, Trail, useCompany } from "./common";
import {
  campaignBody,
  draftOf,
  duplicateKeywords,
  emptyDraft,
  emptyKeyword,
  fieldKey,
  LIMITS,
  MATCH_TYPES,
  targetValue,
  uid,
  type CampaignDraft,
  type KeywordRow,
} from "./logic";
import { targetPosts, useOfficialCommunities } from "./official";

type Errors = Record<string, string>;
type TargetGroup = { community: S["CommunityOut"]; topics: S["PostOut"][] };

const LIMIT_OF: Record<string, number> = { name: LIMITS.name, headline: LIMITS.headline, text: LIMITS.text };

/** The text of one API field error, in the words of this form. */
function messageFor(key: string, type: string, fallback: string, value: string | undefined): string {
  const leaf = key.split(".").pop()!;
  const money = leaf === "max_cpc" || key === "daily_budget";
  if (type === "missing" || (type === "string_too_short" && !value?.trim())) return t("field.missing");
  if (type === "foreign_target") return t("dashboard.form.foreign_target");
  if (money && /^(greater_than|less_than|int_|float_)/.test(type)) {
    const [min, max] = leaf === "max_cpc" ? [LIMITS.minCpc, LIMITS.maxCpc] : [LIMITS.minBudget, LIMITS.maxBudget];
    return t("dashboard.form.yen_range", { min: formatNumber(min), max: formatNumber(max) });
  }
  if (type === "string_too_long") {
    const max = LIMIT_OF[key] ?? LIMITS.keyword;
    return t("dashboard.form.too_long", { max: formatNumber(max) });
  }
  if (key === "keywords" && type === "too_short") return t("dashboard.form.keywords_min");
  if ((key === "keywords" || key === "negatives") && type === "too_long") return t("dashboard.form.too_many", { max: LIMITS.keywords });
  return fieldErrorText(type, fallback);
}

export default function CampaignForm({ params }: ScreenProps) {
  const companyId = params.company;
  const campaignId = params.cid ?? null;
  const editing = !!campaignId;
  const { company, error: companyError } = useCompany(companyId);
  const [original, setOriginal] = useState<S["CampaignOut"] | null>(null);
  const [draft, setDraft] = useState<CampaignDraft | null>(editing ? null : emptyDraft());
  const [loadError, setLoadError] = useState<string | null>(null);
  const [errors, setErrors] = useState<Errors>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  useEffect(() => {
    if (!campaignId) return;
    campaigns.get(companyId, campaignId).then(
      (c) => {
        setOriginal(c);
        setDraft(draftOf(c));
      },
      (err) => setLoadError(errorText(err)),
    );
  }, [companyId, campaignId]);

  // The target choices: each official community and its topics.
  const official = useOfficialCommunities(companyId, !editing || !!original);
  const [groups, setGroups] = useState<TargetGroup[] | null>(null);
  useEffect(() => {
    if (!official) return setGroups(null);
    let stop = false;
    Promise.all(official.map(async (community) => ({ community, topics: await targetPosts(community.id).catch(() => []) }))).then(
      (gs) => !stop && setGroups(gs),
    );
    return () => {
      stop = true;
    };
  }, [official]);
  // A new campaign leads to the (first) official community unless another target is chosen.
  useEffect(() => {
    if (!editing && groups?.length && draft && !draft.target) setDraft({ ...draft, target: targetValue("community", groups[0].community.id) });
  }, [groups]);

  // After a refused submit, the first field in error takes the focus.
  useEffect(() => {
    if (Object.keys(errors).length) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [errors]);

  const set = (patch: Partial<CampaignDraft>) => setDraft((d) => (d ? { ...d, ...patch } : d));
  const setKeyword = (u: number, patch: Partial<KeywordRow>) =>
    setDraft((d) => (d ? { ...d, keywords: d.keywords.map((k) => (k.uid === u ? { ...k, ...patch } : k)) } : d));

  const onSubmit = async (e: JSX.TargetedEvent<HTMLFormElement, Event>) => {
    e.preventDefault();
    if (!draft || busy) return;
    const dups = duplicateKeywords(draft.keywords);
    if (dups.length) {
      const errs: Errors = {};
      for (const i of dups) errs[`kw.${draft.keywords[i].uid}.text`] = t("dashboard.form.duplicate_keyword");
      setErrors(errs);
      setGeneral(t("err.invalid_request"));
      return;
    }
    setBusy(true);
    setErrors({});
    setGeneral(null);
    try {
      const body = campaignBody(draft, !editing);
      const saved = editing
        ? await campaigns.update(companyId, campaignId!, body as S["CampaignUpdate"])
        : await campaigns.create(companyId, body as S["CampaignCreate"]);
      navigate(companyPath(companyId, `/campaigns/${encodeURIComponent(saved.id)}`));
    } catch (err) {
      const errs: Errors = {};
      let unplaced = false;
      if (err instanceof ApiError && err.status === 400) {
        for (const d of err.details) {
          let key = fieldKey(d.path);
          if (!key) {
            unplaced = true;
            continue;
          }
          // A row's index becomes the row's own id, so that the error stays with it if rows move.
          const m = /^(kw|neg)\.(\d+)(.*)$/.exec(key);
          let value: string | undefined;
          if (m) {
            const rows = m[1] === "kw" ? draft.keywords : draft.negatives;
            const row = rows[Number(m[2])];
            if (!row) {
              unplaced = true;
              continue;
            }
            key = `${m[1]}.${row.uid}${m[3]}`;
            value = m[3] === ".max_cpc" ? (row as KeywordRow).max_cpc : row.text;
          } else {
            value = (draft as unknown as Record<string, string>)[key];
          }
          errs[key] ??= messageFor(key, d.type, d.message, typeof value === "string" ? value : undefined);
        }
        if (err.code === "invalid_target" && !errs.target) errs.target = t("dashboard.form.foreign_target");
      }
      setErrors(errs);
      setGeneral(Object.keys(errs).length && !unplaced ? t("err.invalid_request") : errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const title = editing ? t("dashboard.form.edit_title") : t("dashboard.form.new_title");
  const campaignPage = campaignId ? companyPath(companyId, `/campaigns/${encodeURIComponent(campaignId)}`) : null;
  return (
    <Screen title={title} id="campaign-form-page" wide>
      <Trail
        company={company}
        items={[
          { label: t("dashboard.tab.campaigns"), href: href(companyPath(companyId), { tab: "campaigns" }) },
          ...(original && campaignPage ? [{ label: original.name, href: href(campaignPage) }] : []),
          { label: title },
        ]}
      />
      {companyError || loadError ? <p class="msg-error" role="alert">{companyError ?? loadError}</p> : null}
      {!draft && !loadError ? <p class="muted">{t("app.loading")}</p> : null}
      {draft ? (
        <div class="form-with-preview">
          <form id="campaign-form" class="card campaign-form" ref={formRef} onSubmit={(e) => void onSubmit(e)} noValidate>
            <Field label={t("dashboard.form.name")} name="name" form="cf" error={errors.name} hint={t("dashboard.form.name_hint")}>
              {(p) => <input {...p} value={draft.name} maxLength={LIMITS.name * 2} onInput={(e) => set({ name: e.currentTarget.value })} />}
            </Field>
            <Field label={t("dashboard.form.target")} name="target" form="cf" error={errors.target} hint={t("dashboard.form.target_hint")}>
              {(p) => (
                <TargetSelect p={p} value={draft.target} groups={groups} current={original?.target ?? null} onChange={(target) => set({ target })} />
              )}
            </Field>
            {groups && !groups.length ? <p class="msg-info" id="no-official">{t("dashboard.form.no_official")}</p> : null}
            <Field label={t("dashboard.form.headline")} name="headline" form="cf" error={errors.headline}>
              {(p) => (
                <>
                  <input {...p} value={draft.headline} onInput={(e) => set({ headline: e.currentTarget.value })} />
                  <Counter value={draft.headline} max={LIMITS.headline} />
                </>
              )}
            </Field>
            <Field label={t("dashboard.form.text")} name="text" form="cf" error={errors.text}>
              {(p) => (
                <>
                  <textarea {...p} rows={3} value={draft.text} onInput={(e) => set({ text: e.currentTarget.value })} />
                  <Counter value={draft.text} max={LIMITS.text} />
                </>
              )}
            </Field>

            <fieldset class="rows keywords" id="keywords" aria-describedby={errors.keywords ? "keywords-error" : undefined}>
              <legend>{t("dashboard.form.keywords")}</legend>
              <p class="hint">{t("dashboard.form.keywords_hint")}</p>
              {draft.keywords.map((k, i) => (
                <div class="row keyword-row" key={k.uid} id={`kw-${k.uid}`}>
                  <Field label={t("dashboard.form.keyword_n", { n: i + 1 })} name="text" form={`kw-${k.uid}`} error={errors[`kw.${k.uid}.text`]}>
                    {(p) => <input {...p} value={k.text} onInput={(e) => setKeyword(k.uid, { text: e.currentTarget.value })} />}
                  </Field>
                  <Field label={t("dashboard.form.match")} name="match" form={`kw-${k.uid}`} error={errors[`kw.${k.uid}.match`]}>
                    {(p) => (
                      <select {...p} value={k.match} onChange={(e) => setKeyword(k.uid, { match: e.currentTarget.value as KeywordRow["match"] })}>
                        {MATCH_TYPES.map((m) => (
                          <option key={m} value={m}>{t(`dashboard.match.${m}`)}</option>
                        ))}
                      </select>
                    )}
                  </Field>
                  <Field label={t("dashboard.form.max_cpc")} name="max_cpc" form={`kw-${k.uid}`} error={errors[`kw.${k.uid}.max_cpc`]}>
                    {(p) => (
                      <input
                        {...p}
                        type="number"
                        inputMode="numeric"
                        min={LIMITS.minCpc}
                        max={LIMITS.maxCpc}
                        step={1}
                        value={k.max_cpc}
                        onInput={(e) => setKeyword(k.uid, { max_cpc: e.currentTarget.value })}
                      />
                    )}
                  </Field>
                  <button
                    type="button"
                    class="small secondary remove-row"
                    disabled={draft.keywords.length <= 1}
                    aria-label={t("dashboard.form.remove_keyword", { n: i + 1 })}
                    onClick={() => set({ keywords: draft.keywords.filter((x) => x.uid !== k.uid) })}
                  >
                    {t("dashboard.form.remove")}
                  </button>
                </div>
              ))}
              {errors.keywords ? <small id="keywords-error" class="field-error" role="alert">{errors.keywords}</small> : null}
              <button
                type="button"
                class="small add-row"
                id="add-keyword"
                disabled={draft.keywords.length >= LIMITS.keywords}
                onClick={() => set({ keywords: [...draft.keywords, emptyKeyword()] })}
              >
                {t("dashboard.form.add_keyword")}
              </button>
            </fieldset>

            <fieldset class="rows negatives" id="negatives">
              <legend>{t("dashboard.form.negatives")}</legend>
              <p class="hint">{t("dashboard.form.negatives_hint")}</p>
              {draft.negatives.map((n, i) => (
                <div class="row negative-row" key={n.uid}>
                  <Field label={t("dashboard.form.negative_n", { n: i + 1 })} name="negative" form={`neg-${n.uid}`} error={errors[`neg.${n.uid}`]}>
                    {(p) => (
                      <input
                        {...p}
                        value={n.text}
                        onInput={(e) => set({ negatives: draft.negatives.map((x) => (x.uid === n.uid ? { ...x, text: e.currentTarget.value } : x)) })}
                      />
                    )}
                  </Field>
                  <button
                    type="button"
                    class="small secondary remove-row"
                    aria-label={t("dashboard.form.remove_negative", { n: i + 1 })}
                    onClick={() => set({ negatives: draft.negatives.filter((x) => x.uid !== n.uid) })}
                  >
                    {t("dashboard.form.remove")}
                  </button>
                </div>
              ))}
              {errors.negatives ? <small class="field-error" role="alert">{errors.negatives}</small> : null}
              <button
                type="button"
                class="small add-row"
                id="add-negative"
                disabled={draft.negatives.length >= LIMITS.negativeKeywords}
                onClick={() => set({ negatives: [...draft.negatives, { uid: uid(), text: "" }] })}
              >
                {t("dashboard.form.add_negative")}
              </button>
            </fieldset>

            <Field label={t("dashboard.form.daily_budget")} name="daily_budget" form="cf" error={errors.daily_budget} hint={t("dashboard.form.daily_budget_hint")}>
              {(p) => (
                <input
                  {...p}
                  type="number"
                  inputMode="numeric"
                  min={LIMITS.minBudget}
                  max={LIMITS.maxBudget}
                  step={1}
                  value={draft.daily_budget}
                  onInput={(e) => set({ daily_budget: e.currentTarget.value })}
                />
              )}
            </Field>
            {!editing ? (
              <label class="check">
                <input
                  type="checkbox"
                  name="start_now"
                  checked={draft.status === "active"}
                  onChange={(e) => set({ status: e.currentTarget.checked ? "active" : "paused" })}
                />{" "}
                {t("dashboard.form.start_now")}
              </label>
            ) : null}
            <FormError error={general} />
            <p class="actions">
              <button type="submit" class="primary" disabled={busy}>
                {editing ? t("common.save") : t("dashboard.form.create")}
              </button>
              <a href={campaignPage ? href(campaignPage) : href(companyPath(companyId), { tab: "campaigns" })}>{t("common.cancel")}</a>
            </p>
          </form>
          <aside class="card ad-preview-box" aria-labelledby="preview-title">
            <h2 id="preview-title">{t("dashboard.form.preview")}</h2>
            <div class="sponsored">
              <div class="ad">
                <span class="badge ad-label">{t("dashboard.form.sponsored")}</span>
                <p class="ad-headline">{draft.headline || t("dashboard.form.headline")}</p>
                <p class="ad-text">{draft.text || t("dashboard.form.text")}</p>
                <p class="meta">{t("dashboard.form.by", { company: company?.name ?? "" })}</p>
              </div>
            </div>
          </aside>
        </div>
      ) : null}
    </Screen>
  );
}

function TargetSelect({ p, value, groups, current, onChange }: {
  p: Record<string, unknown>;
  value: string;
  groups: TargetGroup[] | null;
  current: S["TargetOut"] | null;
  onChange: (v: string) => void;
}) {
  const values = new Set<string>();
  for (const g of groups ?? []) {
    values.add(targetValue("community", g.community.id));
    for (const post of g.topics) values.add(targetValue("post", post.id));
  }
  const currentValue = current ? targetValue(current.type, current.id) : null;
  return (
    <select {...p} value={value} disabled={!groups} onChange={(e) => onChange(e.currentTarget.value)}>
      {!groups ? <option value="">{t("app.loading")}</option> : null}
      {groups && !value ? <option value="">{t("dashboard.form.target_choose")}</option> : null}
      {currentValue && !values.has(currentValue) ? <option value={currentValue}>{t("dashboard.form.target_current")}</option> : null}
      {(groups ?? []).map((g) => (
        <optgroup key={g.community.id} label={g.community.name}>
          <option value={targetValue("community", g.community.id)}>{t("dashboard.form.target_community", { name: g.community.name })}</option>
          {g.topics.map((post) => (
            <option key={post.id} value={targetValue("post", post.id)}>{t("dashboard.form.target_post", { title: post.title })}</option>
          ))}
        </optgroup>
      ))}
    </select>
  );
}
