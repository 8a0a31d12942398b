// The moderation screen (#/mod) and the notifications (#/notifications), each in its own chunk.
import type { Route } from "../../routes";
import type { ScreenProps } from "../../routes";
import { lazy } from "../../ui/lazy";

export const moderationRoutes: Route[] = [
  { pattern: "/mod", screen: lazy<ScreenProps>(() => import("./mod")) },
  { pattern: "/notifications", screen: lazy<ScreenProps>(() => import("./notifications")) },
];
