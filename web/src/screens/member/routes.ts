// The member screens and their URLs.
import type { Route } from "../../routes";
import { CommunityMembers, CommunityPage, Communities } from "./communities";
import { Friends } from "./friends";
import { Home } from "./home";
import { Invites } from "./invites";
import { PostPage } from "./post";
import { Diary, Profile } from "./profile";
import { Search } from "./search";
import { Settings } from "./settings";

export const memberRoutes: Route[] = [
  { pattern: "/", screen: Home },
  { pattern: "/invites", screen: Invites },
  { pattern: "/communities", screen: Communities },
  { pattern: "/c/:id", screen: CommunityPage },
  { pattern: "/c/:id/members", screen: CommunityMembers },
  { pattern: "/p/:id", screen: PostPage },
  { pattern: "/m/:handle", screen: Profile },
  { pattern: "/m/:handle/diary", screen: Diary },
  { pattern: "/friends", screen: Friends },
  { pattern: "/search", screen: Search },
  { pattern: "/settings", screen: Settings },
];
