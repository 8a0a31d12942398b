// The shell: header (search, navigation, unread badge, language switch), the current screen and
// the footer. A screen that needs a member sends a visitor to #/login?next=<where they were going>.
import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { companies, notifications } from "./api";
import { setLang, t, useLang } from "./i18n";
import { ROUTES } from "./routes";
import { href, match, navigate, useLocation } from "./router";
import { SessionProvider, useSession } from "./session";
import { Screen } from "./ui/page";

/** How often the header asks for the unread count while the tab is visible. */
const UNREAD_POLL_MS = 20_000;

function UnreadBadge({ path }: { path: string }) {
  const [count, setCount] = useState(0);
  useEffect(() => {
    let stop = false;
    const load = () => {
      if (document.visibilityState !== "visible") return;
      notifications.unread().then((r) => !stop && setCount(r.count), () => undefined);
    };
    load();
    const timer = window.setInterval(load, UNREAD_POLL_MS);
    const onRead = () => load();
    window.addEventListener("kizuna:notifications-read", onRead);
    document.addEventListener("visibilitychange", load);
    return () => {
      stop = true;
      window.clearInterval(timer);
      window.removeEventListener("kizuna:notifications-read", onRead);
      document.removeEventListener("visibilitychange", load);
    };
  }, [path]);
  // The name read out is what is shown ("お知らせ 3") plus, hidden, what the number means.
  return (
    <a href={href("/notifications")} id="nav-notifications">
      {t("nav.notifications")}
      {count ? (
        <>
          {" "}
          <span class="unread" id="unread-count">{count > 99 ? "99+" : count}</span>
          <span class="visually-hidden">{t("nav.unread_suffix")}</span>
        </>
      ) : null}
    </a>
  );
}

function Header({ path }: { path: string }) {
  const { me, logout } = useSession();
  const lang = useLang();
  const [staff, setStaff] = useState(false);
  useEffect(() => {
    if (!me) return setStaff(false);
    companies.mine().then((r) => setStaff(r.items.length > 0), () => setStaff(false));
  }, [me?.id]);
  const onSearch = (e: JSX.TargetedEvent<HTMLFormElement, Event>) => {
    e.preventDefault();
    const q = (new FormData(e.currentTarget).get("q") as string).trim();
    if (q) navigate(`/search?q=${encodeURIComponent(q)}`);
  };
  const isAdmin = !!me && me.roles.includes("admin");
  return (
    <header class="top">
      <a class="logo" href={href("/")}>
        Kizuna<small>きずな</small>
      </a>
      <nav id="nav" aria-label={t("nav.menu")}>
        {me ? (
          <>
            <form class="search" role="search" onSubmit={onSearch}>
              <label class="visually-hidden" for="nav-q">{t("nav.search")}</label>
              <input id="nav-q" name="q" type="search" placeholder={t("nav.search_placeholder")} />
            </form>
            <a href={href("/")}>{t("nav.home")}</a>
            <a href={href("/communities")}>{t("nav.communities")}</a>
            <a href={href("/friends")}>{t("nav.friends")}</a>
            <a href={href(`/m/${encodeURIComponent(me.handle)}/diary`)}>{t("nav.diary")}</a>
            <UnreadBadge path={path} />
            {staff ? <a href={href("/dashboard")} id="nav-dashboard">{t("nav.dashboard")}</a> : null}
            {isAdmin ? <a href={href("/mod")} id="nav-mod">{t("nav.moderation")}</a> : null}
            <a href={href("/settings")}>{t("nav.settings")}</a>
            <button type="button" class="link" onClick={() => void logout()}>{t("nav.logout")}</button>
          </>
        ) : null}
        <button
          type="button"
          class="link lang"
          id="lang-switch"
          lang={lang === "ja" ? "en" : "ja"}
          title={t("nav.language_label")}
          onClick={() => setLang(lang === "ja" ? "en" : "ja")}
        >
          {t("nav.language")}
        </button>
      </nav>
    </header>
  );
}

function NotFound() {
  return (
    <Screen title={t("common.not_found_page")} id="not-found">
      <p><a href={href("/")}>{t("common.back_home")}</a></p>
    </Screen>
  );
}

function Current() {
  const loc = useLocation();
  const { me, ready } = useSession();
  useLang();
  const found = ROUTES.map((r) => ({ r, params: match(r.pattern, loc.path) })).find((x) => x.params);
  const needsLogin = found ? found.r.auth !== false : true;
  useEffect(() => {
    if (ready && !me && needsLogin) navigate(`/login?next=${encodeURIComponent(loc.raw)}`, true);
  }, [ready, me, needsLogin, loc.raw]);
  if (!ready || (!me && needsLogin)) return <p class="muted">{t("app.loading")}</p>;
  if (!found) return <NotFound />;
  const S = found.r.screen;
  // Keyed by the whole URL: a new URL is a new screen, whose heading takes the focus.
  return <S key={loc.raw} params={found.params!} loc={loc} />;
}

function Shell() {
  const loc = useLocation();
  useLang();
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.querySelector<HTMLElement>("#main h1")?.focus(); }}>
        {t("app.skip")}
      </a>
      <Header path={loc.path} />
      <main id="main">
        <Current />
      </main>
      <footer>{t("app.name")} — {t("app.tagline")}</footer>
    </>
  );
}

export function App() {
  return (
    <SessionProvider>
      <Shell />
    </SessionProvider>
  );
}
