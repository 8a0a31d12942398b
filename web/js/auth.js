// Login and signup forms, shared by the member client and the company dashboard.
import { api, session } from "./api.js";
import { field, form, h } from "./dom.js";

export function loginForm(onDone) {
  return form(
    { class: "card", id: "login-form" },
    [
      h("h2", null, "ログイン"),
      field("ユーザー名", h("input", { name: "handle", required: true, autocomplete: "username" })),
      field("パスワード", h("input", { name: "password", type: "password", required: true, autocomplete: "current-password" })),
      h("button", { type: "submit" }, "ログイン"),
    ],
    async ({ handle, password }) => {
      const { token } = await api("POST", "/auth/login", { handle, password });
      session.token = token;
      onDone();
    },
  );
}

export function signupForm(onDone) {
  return form(
    { class: "card", id: "signup-form" },
    [
      h("h2", null, "新規登録（招待制）"),
      h("p", { class: "hint" }, "Kizuna は招待制です。会員から受け取った招待コードが必要です。"),
      field("招待コード", h("input", { name: "invite_code", required: true })),
      field("ユーザー名（半角英数字と _ 3〜20文字）", h("input", { name: "handle", required: true, pattern: "[A-Za-z0-9_]{3,20}", autocomplete: "username" })),
      field("ニックネーム", h("input", { name: "display_name", required: true, maxlength: 50 })),
      field("メールアドレス", h("input", { name: "email", type: "email", required: true, autocomplete: "email" })),
      field("パスワード（8文字以上）", h("input", { name: "password", type: "password", required: true, minlength: 8, autocomplete: "new-password" })),
      h("button", { type: "submit" }, "登録する"),
    ],
    async (values) => {
      const { token } = await api("POST", "/auth/signup", values);
      session.token = token;
      onDone();
    },
  );
}

export async function logout() {
  try {
    await api("POST", "/auth/logout");
  } catch {
    // The token is dropped below either way.
  }
  session.token = null;
}
