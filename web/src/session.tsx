// Who is logged in: the member (GET /me) shared through a context; logging in and out; the
// notice shown when a session ends (a 401 to a request that carried a token).
import type { ComponentChildren } from "preact";
import { createContext } from "preact";
import { useCallback, useContext, useEffect, useState } from "preact/hooks";
import { auth, members, session, type S } from "./api";
import { current, navigate } from "./router";

export type Me = S["MemberSelf"];

type SessionValue = {
  me: Me | null;
  /** False until the first GET /me has answered (or there was no token). */
  ready: boolean;
  ended: boolean;
  refresh: () => Promise<void>;
  loggedIn: (token: string, next?: string | null) => Promise<void>;
  logout: () => Promise<void>;
};

const Ctx = createContext<SessionValue>(null as unknown as SessionValue);

export function useSession(): SessionValue {
  return useContext(Ctx);
}

/** Where to go after logging in: the `next` of the login URL, if it is a client path. */
export function safeNext(next: string | null | undefined): string {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/login") ? next : "/";
}

export function SessionProvider({ children }: { children: ComponentChildren }) {
  const [me, setMe] = useState<Me | null>(null);
  const [ready, setReady] = useState(!session.token);
  const [ended, setEnded] = useState(false);

  const refresh = useCallback(async () => {
    if (!session.token) {
      setMe(null);
      setReady(true);
      return;
    }
    try {
      setMe(await members.me());
    } catch {
      setMe(null);
    } finally {
      setReady(true);
    }
  }, []);

  useEffect(() => {
    void refresh();
    const off = session.onEnded(() => {
      setMe(null);
      setEnded(true);
      const here = current();
      if (!here.path.startsWith("/login") && !here.path.startsWith("/signup")) {
        navigate(`/login?next=${encodeURIComponent(here.raw)}&ended=1`);
      }
    });
    // Another tab logged in or out: follow it.
    const onStorage = (e: StorageEvent) => {
      if (e.key === "kizuna.token") void refresh();
    };
    window.addEventListener("storage", onStorage);
    return () => {
      off();
      window.removeEventListener("storage", onStorage);
    };
  }, [refresh]);

  const loggedIn = useCallback(
    async (token: string, next?: string | null) => {
      session.token = token;
      setEnded(false);
      await refresh();
      navigate(safeNext(next));
    },
    [refresh],
  );

  const logout = useCallback(async () => {
    // The request carries the token it starts with; the session ends here at once, so that a login
    // made before the server answers is not undone by this logout finishing after it.
    const ending = auth.logout().catch(() => undefined);
    session.token = null;
    setMe(null);
    navigate("/login");
    await ending;
  }, []);

  return <Ctx.Provider value={{ me, ready, ended, refresh, loggedIn, logout }}>{children}</Ctx.Provider>;
}
