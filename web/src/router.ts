// Hash routing: every screen has a URL (#/c/ID, #/p/ID?page=2) that survives a reload and can be
// shared. A route table maps patterns to screens; `:name` segments become params.
import { useEffect, useState } from "preact/hooks";

export type Location = { path: string; query: URLSearchParams; raw: string };

export function current(): Location {
  const raw = location.hash.replace(/^#/, "") || "/";
  const [path, q = ""] = raw.split("?", 2);
  return { path: path || "/", query: new URLSearchParams(q), raw };
}

/** Go to a client URL such as `/c/123` or `#/c/123`. */
export function navigate(to: string, replace = false): void {
  const hash = to.startsWith("#") ? to : `#${to}`;
  if (replace) history.replaceState(null, "", hash);
  else location.hash = hash;
  if (replace) window.dispatchEvent(new HashChangeEvent("hashchange"));
}

/** An href for a client URL: `href("/c/" + id)`. */
export const href = (path: string, query?: Record<string, string | number | undefined | null>): string => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const s = q.toString();
  return `#${path}${s ? `?${s}` : ""}`;
};

export function useLocation(): Location {
  const [loc, setLoc] = useState(current);
  useEffect(() => {
    const on = () => setLoc(current());
    window.addEventListener("hashchange", on);
    return () => window.removeEventListener("hashchange", on);
  }, []);
  return loc;
}

/** Params of `pattern` (e.g. `/c/:id`) in `path`, or null when it does not match. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const p = pattern.split("/").filter(Boolean);
  const s = path.split("/").filter(Boolean);
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(":")) {
      try {
        params[p[i].slice(1)] = decodeURIComponent(s[i]);
      } catch {
        return null;
      }
    } else if (p[i] !== s[i]) return null;
  }
  return params;
}
