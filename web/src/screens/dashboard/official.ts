// The company's official communities (GET /companies/{id}/communities), and the topics a campaign
// may lead to.
import { useEffect, useState } from "preact/hooks";
import { communities, companies, type Page, type S } from "../../api";

type Community = S["CommunityOut"];

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

export async function officialCommunities(companyId: string): Promise<Community[]> {
  const items = await all((cursor) => companies.communities(companyId, { cursor, limit: 100 }));
  return items.sort((a, b) => a.name.localeCompare(b.name));
}

/** The official communities of a company, once loaded (null while loading). */
export function useOfficialCommunities(companyId: string, enabled = true) {
  const [items, setItems] = useState<Community[] | null>(null);
  useEffect(() => {
    let stop = false;
    setItems(null);
    if (!enabled) return;
    void officialCommunities(companyId).then((cs) => !stop && setItems(cs));
    return () => {
      stop = true;
    };
  }, [companyId, enabled]);
  return items;
}

/** Every topic of a community that a campaign may lead to (its company's posts: topics, not inquiries). */
export async function targetPosts(communityId: string): Promise<S["PostOut"][]> {
  const items = await all((cursor) => communities.posts(communityId, { cursor, limit: 100 }));
  return items.filter((p) => p.kind === "topic" && !p.held);
}
