// Search (#/search?q=&type=): the result count, the sponsored block (labelled 広告 / Sponsored,
// above the results; a click is recorded by the API before following it), then the results with
// their highlights, the 公式 badge and company of official ones, paged to the end.
import type { JSX } from "preact";
import { useState } from "preact/hooks";
import { ApiError, search, type S } from "../../api";
import { errorText, formatNumber, t } from "../../i18n";
import type { ScreenProps } from "../../routes";
import { href, navigate } from "../../router";
import { PagedList, usePaged } from "../../ui/list";
import { Screen } from "../../ui/page";
import { Snippet } from "../../ui/text";
import { OfficialBadge, Tabs, targetPath } from "./common";

type SearchType = "all" | "posts" | "communities";

function Sponsored({ ads }: { ads: S["SponsoredOut"][] }) {
  const [error, setError] = useState<string | null>(null);
  const follow = async (e: JSX.TargetedMouseEvent<HTMLAnchorElement>, ad: S["SponsoredOut"]) => {
    e.preventDefault();
    setError(null);
    try {
      // The click is counted (and charged at most once) by the API, which answers with the target.
      const { target } = await search.click(ad.click_token);
      navigate(targetPath(target));
    } catch (err) {
      // Not counted (an expired placement, too many clicks): the member still gets where the ad said.
      if (err instanceof ApiError && err.status >= 400 && err.status < 500) navigate(targetPath(ad.target));
      else setError(errorText(err));
    }
  };
  return (
    <section class="sponsored" id="sponsored" aria-labelledby="sponsored-label">
      <h2 class="sponsored-label" id="sponsored-label">{t("member.search.sponsored")}</h2>
      {error ? <p class="msg-error" role="alert">{error}</p> : null}
      {ads.map((ad) => (
        <article class="ad" key={ad.ad_id}>
          <span class="badge ad-label">{t("member.search.ad_badge")}</span>
          <a href={`#${targetPath(ad.target)}`} class="ad-headline" onClick={(e) => void follow(e, ad)}>{ad.headline}</a>
          <p class="ad-text">{ad.text}</p>
          <p class="meta ad-company">{t("member.search.ad_by", { company: ad.company.name })}</p>
        </article>
      ))}
    </section>
  );
}

function Result({ r }: { r: S["SearchResult"] }) {
  return (
    <li class={`result result-${r.type}${r.official ? " official" : ""}`} key={`${r.type}:${r.id}`}>
      <p class="result-head">
        <span class="badge type">{r.type === "community" ? t("member.search.type_community") : t("member.search.type_post")}</span>
        {r.official ? <OfficialBadge /> : null}
        <a href={`#${targetPath(r)}`} class="result-title">
          {r.title_highlight ? <Snippet html={r.title_highlight} class="title-hl" /> : r.title}
        </a>
      </p>
      <p class="meta">
        {r.company_name ? <span class="company-name">{r.company_name}</span> : null}
        {r.company_name && r.community ? "・" : null}
        {r.community ? <a href={href(`/c/${encodeURIComponent(r.community.id)}`)} class="result-community">{r.community.name}</a> : null}
      </p>
      {r.snippet ? <p class="result-snippet"><Snippet html={r.snippet} /></p> : null}
    </li>
  );
}

export function Search({ loc }: ScreenProps) {
  const q = (loc.query.get("q") ?? "").trim();
  const raw = loc.query.get("type");
  const type: SearchType = raw === "posts" || raw === "communities" ? raw : "all";
  const [ads, setAds] = useState<S["SponsoredOut"][]>([]);
  const [total, setTotal] = useState<number | null>(null);
  const list = usePaged(async (cursor) => {
    if (!q) return { items: [], next_cursor: null };
    const page = await search.query({ q, type: type === "all" ? undefined : type, cursor, limit: 20 });
    if (!cursor) {
      setAds(page.sponsored ?? []);
      setTotal(page.total ?? null);
    }
    return { items: page.results, next_cursor: page.next_cursor };
  }, [q, type]);
  const onSubmit = (e: JSX.TargetedEvent<HTMLFormElement, Event>) => {
    e.preventDefault();
    const next = (new FormData(e.currentTarget).get("q") as string).trim();
    if (next) navigate(href("/search", { q: next, type: type === "all" ? "" : type }));
  };
  return (
    <Screen title={q ? t("member.search.title_q", { q }) : t("member.search.title")} id="search-page">
      <form class="search-again" role="search" onSubmit={onSubmit}>
        <label for="search-q" class="visually-hidden">{t("nav.search")}</label>
        <input id="search-q" name="q" type="search" defaultValue={q} maxLength={200} />
        <button type="submit">{t("nav.search")}</button>
      </form>
      {q ? (
        <>
          <Tabs
            label={t("member.search.types")}
            tabs={(["all", "posts", "communities"] as SearchType[]).map((ty) => ({
              href: href("/search", { q, type: ty === "all" ? "" : ty }),
              label: t(`member.search.type_${ty}`),
              active: ty === type,
              id: `type-${ty}`,
            }))}
          />
          {total !== null ? (
            <p class="result-count" id="result-count" role="status">{t("member.search.count", { count: formatNumber(total) })}</p>
          ) : null}
          {ads.length ? <Sponsored ads={ads} /> : null}
          <PagedList list={list} id="results" class="results" empty={t("member.search.none")} render={(r) => <Result r={r} />} />
        </>
      ) : (
        <p class="hint">{t("member.search.enter")}</p>
      )}
    </Screen>
  );
}
