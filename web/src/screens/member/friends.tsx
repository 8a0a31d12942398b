// マイミク (#/friends?tab=friends|received|sent): friends (remove), requests received (approve,
// decline) and requests sent (cancel), each list paged to its end.
import { useState } from "preact/hooks";
import { friends, type S } from "../../api";
import { errorText, formatDate, t } from "../../i18n";
import type { ScreenProps } from "../../routes";
import { href } from "../../router";
import { confirm } from "../../ui/confirm";
import { PagedList, usePaged } from "../../ui/list";
import { Screen } from "../../ui/page";
import { Card, Tabs, memberHref } from "./common";

type Tab = "friends" | "received" | "sent";
const STATE: Record<Tab, S["FriendOut"]["state"]> = { friends: "friends", received: "pending", sent: "requested" };

export function Friends({ loc }: ScreenProps) {
  const q = loc.query.get("tab");
  const tab: Tab = q === "received" || q === "sent" ? q : "friends";
  const list = usePaged((cursor) => friends.list({ cursor, limit: 30, state: STATE[tab] }), [tab]);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);

  const act = async (f: S["FriendOut"], what: "approve" | "decline" | "cancel" | "remove") => {
    const name = f.display_name;
    const ask = {
      approve: null,
      decline: t("member.friend.decline_confirm", { name }),
      cancel: t("member.friend.cancel_confirm", { name }),
      remove: t("member.friend.remove_confirm", { name }),
    }[what];
    if (ask && !(await confirm(ask, { danger: what !== "cancel" }))) return;
    setError(null);
    setNote(null);
    try {
      if (what === "approve") await friends.request(f.handle);
      else await friends.remove(f.handle);
      list.setItems((old) => old.filter((x) => x.handle !== f.handle));
      setNote(
        {
          approve: t("member.friend.approved", { name }),
          decline: t("member.friend.declined"),
          cancel: t("member.friend.cancelled"),
          remove: t("member.friend.removed"),
        }[what],
      );
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <Screen title={t("member.friends.title")} id="friends-page">
      <Tabs
        label={t("member.friends.title")}
        tabs={[
          { href: href("/friends"), label: t("member.friends.tab_friends"), active: tab === "friends", id: "tab-friends" },
          { href: href("/friends", { tab: "received" }), label: t("member.friends.tab_received"), active: tab === "received", id: "tab-received" },
          { href: href("/friends", { tab: "sent" }), label: t("member.friends.tab_sent"), active: tab === "sent", id: "tab-sent" },
        ]}
      />
      <Card>
        {note ? <p class="msg-ok" role="status" id="friends-note">{note}</p> : null}
        {error ? <p class="msg-error" role="alert">{error}</p> : null}
        <PagedList
          list={list}
          id="friends"
          class="list"
          empty={{ friends: t("member.friends.none"), received: t("member.friends.none_received"), sent: t("member.friends.none_sent") }[tab]}
          render={(f) => (
            <li class="friend" key={f.handle} data-handle={f.handle}>
              <a href={memberHref(f.handle)} class="member-link">{f.display_name}</a>
              <span class="meta"> @{f.handle}・{t("member.friends.since", { date: formatDate(f.since) })}</span>
              <span class="row-actions">
                {tab === "friends" ? (
                  <button type="button" class="small danger remove" onClick={() => void act(f, "remove")}>{t("member.friend.remove")}</button>
                ) : tab === "received" ? (
                  <>
                    <button type="button" class="small primary approve" onClick={() => void act(f, "approve")}>{t("member.friend.approve")}</button>
                    <button type="button" class="small secondary decline" onClick={() => void act(f, "decline")}>{t("member.friend.decline")}</button>
                  </>
                ) : (
                  <button type="button" class="small secondary cancel" onClick={() => void act(f, "cancel")}>{t("member.friend.cancel")}</button>
                )}
              </span>
            </li>
          )}
        />
      </Card>
    </Screen>
  );
}
