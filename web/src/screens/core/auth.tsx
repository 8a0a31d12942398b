// Login (back to where the member was going: `#/login?next=/p/123`) and signup (`#/signup?code=…`,
// the invite link's target, fills the code in).
import type { JSX } from "preact";
import { auth } from "../../api";
import { t } from "../../i18n";
import type { ScreenProps } from "../../routes";
import { href } from "../../router";
import { useSession } from "../../session";
import { Field, FormError, useForm, values } from "../../ui/form";
import { Screen } from "../../ui/page";

export function Login({ loc }: ScreenProps) {
  const { loggedIn } = useSession();
  const form = useForm();
  const next = loc.query.get("next");
  const ended = loc.query.get("ended") === "1";
  const onSubmit = (e: JSX.TargetedEvent<HTMLFormElement, Event>) => {
    e.preventDefault();
    const v = values(e);
    void form.run(async () => {
      const { token } = await auth.login({ handle: v.handle, password: v.password });
      await loggedIn(token, next);
    });
  };
  return (
    <Screen title={t("auth.login")} id="login-page">
      <div class="narrow">
        {ended ? <p class="msg-info" role="status" id="session-ended">{t("auth.session_ended")}</p> : null}
        {!ended && next ? <p class="msg-info" role="status">{t("auth.login_first")}</p> : null}
        <form id="login-form" class="card" onSubmit={onSubmit} noValidate>
          <Field label={t("auth.handle")} name="handle" form="login" error={form.fields.handle}>
            {(p) => <input {...p} required autocomplete="username" />}
          </Field>
          <Field label={t("auth.password")} name="password" form="login" error={form.fields.password}>
            {(p) => <input {...p} type="password" required autocomplete="current-password" />}
          </Field>
          <FormError error={form.error} />
          <button type="submit" class="primary" disabled={form.busy}>{t("auth.login")}</button>
        </form>
        <p class="center">
          {t("auth.have_code")} <a href={href("/signup")}>{t("auth.signup")}</a>
        </p>
      </div>
    </Screen>
  );
}

export function Signup({ loc }: ScreenProps) {
  const { loggedIn } = useSession();
  const form = useForm();
  const code = loc.query.get("code") ?? "";
  const onSubmit = (e: JSX.TargetedEvent<HTMLFormElement, Event>) => {
    e.preventDefault();
    const v = values(e);
    void form.run(async () => {
      const { token } = await auth.signup({
        invite_code: v.invite_code.trim(),
        handle: v.handle,
        display_name: v.display_name,
        email: v.email,
        password: v.password,
      });
      await loggedIn(token, "/");
    });
  };
  return (
    <Screen title={t("auth.signup")} id="signup-page">
      <div class="narrow">
        <form id="signup-form" class="card" onSubmit={onSubmit} noValidate>
          <p class="hint">{t("auth.signup_hint")}</p>
          <Field label={t("auth.invite_code")} name="invite_code" form="signup" error={form.fields.invite_code}>
            {(p) => <input {...p} required value={code} autocomplete="off" spellcheck={false} />}
          </Field>
          <Field label={t("auth.handle")} name="handle" form="signup" hint={t("auth.handle_hint")} error={form.fields.handle}>
            {(p) => <input {...p} required pattern="[A-Za-z0-9_]{3,20}" autocomplete="username" />}
          </Field>
          <Field label={t("auth.display_name")} name="display_name" form="signup" error={form.fields.display_name}>
            {(p) => <input {...p} required maxLength={50} />}
          </Field>
          <Field label={t("auth.email")} name="email" form="signup" error={form.fields.email}>
            {(p) => <input {...p} type="email" required autocomplete="email" />}
          </Field>
          <Field label={t("auth.password")} name="password" form="signup" hint={t("auth.password_hint")} error={form.fields.password}>
            {(p) => <input {...p} type="password" required minLength={8} autocomplete="new-password" />}
          </Field>
          <FormError error={form.error} />
          <button type="submit" class="primary" disabled={form.busy}>{t("auth.signup_button")}</button>
        </form>
        <p class="center">
          {t("auth.have_account")} <a href={href("/login")}>{t("auth.login")}</a>
        </p>
      </div>
    </Screen>
  );
}
