// The company's official communities. The API has no list of them (yet): they are gathered from
// the communities the member belongs to (the staff member who created one owns it), the
// communities of the company's inquiries, its campaigns' targets and a `?community=` the official
// community's page may pass; each is read and kept only if it is this company's. When none of
// these names one, the newest pages of the community directory are searched.
import { useEffect, useState } from "preact/hooks";
import { campaigns, communities, companies, members, posts, type Page, type S } from "../../api";

type Community = S["CommunityOut"];

/** How many pages of the community directory the last resort reads. */
const DIRECTORY_PAGES = 10;

async function all<T>(load: (cursor: string | null) => Promise<Page<T>>, maxPages = 20): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < maxPages; i++) {
    const page: Page<T> = await load(cursor);
    out.push(...page.items);
    cursor = page.next_cursor ?? null;
    if (!cursor) break;
  }
  return out;
}

const quietly = async <T>(p: Promise<T>, fallback: T): Promise<T> => {
  try {
    return await p;
  } catch {
    return fallback;
  }
};

export async function officialCommunities(
  companyId: string,
  handle: string | null,
  hints: { communityIds?: string[]; postIds?: string[] } = {},
): Promise<Community[]> {
  const found = new Map<string, Community>();
  const candidates = new Set<string>(hints.communityIds ?? []);
  const postIds = new Set<string>(hints.postIds ?? []);
  const keep = (c: Community) => {
    if (c.official && c.company?.id === companyId) found.set(c.id, c);
  };
  await Promise.all([
    handle
      ? quietly(all((cursor) => members.communities(handle, { cursor, limit: 100 })), [] as Community[]).then((cs) => cs.forEach(keep))
      : null,
    ...(["open", "answered", "resolved"] as const).map((status) =>
      quietly(companies.inbox(companyId, { status, limit: 50 }), { items: [] } as Page<S["InboxEntry"]>).then((p) =>
        p.items.forEach((e) => e.inquiry.community && candidates.add(e.inquiry.community.id)),
      ),
    ),
    quietly(campaigns.list(companyId, { limit: 100 }), { items: [] } as Page<S["CampaignOut"]>).then((p) =>
      p.items.forEach((c) => (c.target.type === "community" ? candidates.add(c.target.id) : postIds.add(c.target.id))),
    ),
  ]);
  await Promise.all(
    [...postIds].map((id) =>
      quietly(posts.get(id), null).then((p) => p?.community && candidates.add(p.community.id)),
    ),
  );
  await Promise.all(
    [...candidates].filter((id) => !found.has(id)).map((id) => quietly(communities.get(id), null).then((c) => c && keep(c))),
  );
  if (!found.size) {
    // Nothing points at one yet (a new company, an advertiser who never joined it): look through
    // the directory, newest first, a bounded number of pages. A stopgap until the API lists them.
    const some = await quietly(all((cursor) => communities.list({ sort: "new", cursor, limit: 100 }), DIRECTORY_PAGES), []);
    some.forEach(keep);
  }
  return [...found.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** The official communities of a company, once loaded (null while loading). */
export function useOfficialCommunities(
  companyId: string,
  handle: string | null,
  hints: { communityIds?: string[]; postIds?: string[] } = {},
  enabled = true,
) {
  const [items, setItems] = useState<Community[] | null>(null);
  const key = JSON.stringify(hints);
  useEffect(() => {
    let stop = false;
    setItems(null);
    if (!enabled) return;
    void officialCommunities(companyId, handle, JSON.parse(key)).then((cs) => !stop && setItems(cs));
    return () => {
      stop = true;
    };
  }, [companyId, handle, key, enabled]);
  return items;
}

/** Every topic of a community that a campaign may lead to (its company's posts: topics, not inquiries). */
export async function targetPosts(communityId: string): Promise<S["PostOut"][]> {
  const items = await all((cursor) => communities.posts(communityId, { cursor, limit: 100 }));
  return items.filter((p) => p.kind === "topic" && !p.held);
}
