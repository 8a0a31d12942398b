// Settings (#/settings): profile (display name, email, bio), password change, the language, and
// withdrawing (confirmed; then logged out).
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { ApiError, members, session, type S } from "../../api";
import { errorText, fieldErrorText, setLang, t, useLang } from "../../i18n";
import type { ScreenProps } from "../../routes";
import { navigate } from "../../router";
import { useSession } from "../../session";
import { confirm } from "../../ui/confirm";
import { Counter, Field, FormError, useForm, values } from "../../ui/form";
import { Screen } from "../../ui/page";
import { Card } from "./common";

type MeView = S["MemberSelf"] & { bio?: string | null };

function ProfileForm({ me }: { me: MeView }) {
  const { refresh } = useSession();
  const form = useForm();
  const [bio, setBio] = useState(me.bio ?? "");
  const [saved, setSaved] = useState(false);
  const onSubmit = (e: JSX.TargetedEvent<HTMLFormElement, Event>) => {
    e.preventDefault();
    const v = values(e);
    setSaved(false);
    void form.run(async () => {
      const body = { display_name: v.display_name, email: v.email, bio: v.bio } as S["ProfileUpdate"];
      await members.update(body);
      await refresh();
      setSaved(true);
    });
  };
  return (
    <form class="card" id="profile-form" onSubmit={onSubmit} noValidate>
      <h2 class="card-title">{t("member.settings.profile")}</h2>
      <Field label={t("auth.display_name")} name="display_name" form="pf" error={form.fields.display_name}>
        {(p) => <input {...p} required maxLength={50} defaultValue={me.display_name} />}
      </Field>
      <Field label={t("auth.email")} name="email" form="pf" error={form.fields.email}>
        {(p) => <input {...p} type="email" required defaultValue={me.email} autocomplete="email" />}
      </Field>
      <Field label={t("member.settings.bio")} name="bio" form="pf" error={form.fields.bio} hint={t("member.settings.bio_hint")}>
        {(p) => <textarea {...p} rows={5} value={bio} onInput={(e) => setBio(e.currentTarget.value)} />}
      </Field>
      <Counter value={bio} max={1000} />
      <FormError error={form.error} />
      {saved ? <p class="msg-ok" role="status" id="profile-saved">{t("member.settings.saved")}</p> : null}
      <button type="submit" class="primary" disabled={form.busy}>{t("common.save")}</button>
    </form>
  );
}

function PasswordForm() {
  // Its own state rather than useForm: the API's two codes here belong to one field each.
  const [busy, setBusy] = useState(false);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const form = { busy, fields, error: general };
  const onSubmit = (e: JSX.TargetedEvent<HTMLFormElement, Event>) => {
    e.preventDefault();
    const el = e.currentTarget;
    const v = values(e);
    setDone(false);
    setGeneral(null);
    const missing: Record<string, string> = {};
    if (!v.current_password) missing.current_password = t("field.missing");
    if (!v.new_password) missing.new_password = t("field.missing");
    setFields(missing);
    if (Object.keys(missing).length) return;
    setBusy(true);
    members
      .changePassword({ current_password: v.current_password, new_password: v.new_password })
      .then(
        () => {
          el.reset();
          setDone(true);
        },
        (err) => {
          if (err instanceof ApiError && err.code === "invalid_credentials") setFields({ current_password: t("member.settings.wrong_password") });
          else if (err instanceof ApiError && err.code === "weak_password") setFields({ new_password: t("err.weak_password") });
          else if (err instanceof ApiError && err.details.length) {
            const out: Record<string, string> = {};
            for (const [name, d] of Object.entries(err.fields())) out[name] = fieldErrorText(d.type);
            setFields(out);
          } else setGeneral(errorText(err));
        },
      )
      .finally(() => setBusy(false));
  };
  return (
    <form class="card" id="password-form" onSubmit={onSubmit} noValidate>
      <h2 class="card-title">{t("member.settings.password")}</h2>
      <Field label={t("member.settings.current_password")} name="current_password" form="pw" error={form.fields.current_password}>
        {(p) => <input {...p} type="password" required autocomplete="current-password" />}
      </Field>
      <Field label={t("member.settings.new_password")} name="new_password" form="pw" error={form.fields.new_password} hint={t("auth.password_hint")}>
        {(p) => <input {...p} type="password" required minLength={8} autocomplete="new-password" />}
      </Field>
      <FormError error={form.error} />
      {done ? <p class="msg-ok" role="status" id="password-changed">{t("member.settings.password_changed")}</p> : null}
      <button type="submit" class="primary" disabled={form.busy}>{t("member.settings.change_password")}</button>
    </form>
  );
}

export function Settings(_: ScreenProps) {
  const { me, refresh } = useSession();
  const lang = useLang();
  const [error, setError] = useState<string | null>(null);
  if (!me) return null;
  const withdraw = async () => {
    if (!(await confirm(t("member.settings.withdraw_confirm"), { danger: true, confirmLabel: t("member.settings.withdraw") }))) return;
    setError(null);
    try {
      await members.withdraw();
      session.token = null;
      await refresh();
      navigate("/login");
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <Screen title={t("nav.settings")} id="settings-page">
      <ProfileForm me={me as MeView} />
      <PasswordForm />
      <Card title={t("member.settings.language")} id="language-card">
        <p class="hint">{t("member.settings.language_note")}</p>
        <div class="actions" role="group" aria-label={t("member.settings.language")}>
          <button type="button" class={lang === "ja" ? "primary" : "secondary"} aria-pressed={lang === "ja"} lang="ja" onClick={() => setLang("ja")}>日本語</button>
          <button type="button" class={lang === "en" ? "primary" : "secondary"} aria-pressed={lang === "en"} lang="en" onClick={() => setLang("en")}>English</button>
        </div>
      </Card>
      <Card title={t("member.settings.withdraw_title")} id="withdraw-card" class="danger-zone">
        <p>{t("member.settings.withdraw_hint")}</p>
        {error ? <p class="msg-error" role="alert">{error}</p> : null}
        <button type="button" class="danger" id="withdraw" onClick={() => void withdraw()}>{t("member.settings.withdraw")}</button>
      </Card>
    </Screen>
  );
}
