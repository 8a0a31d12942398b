// Every screen and its URL. Each area owns its table (screens/<area>/routes.ts); `auth: false`
// screens are open without logging in, every other one sends a visitor to #/login?next=….
import type { ComponentType } from "preact";
import type { Location } from "./router";
import { coreRoutes } from "./screens/core/routes";
import { memberRoutes } from "./screens/member/routes";
import { dashboardRoutes } from "./screens/dashboard/routes";
import { moderationRoutes } from "./screens/moderation/routes";

export type ScreenProps = { params: Record<string, string>; loc: Location };

export type Route = {
  /** `/c/:id`: `:name` segments become `params.name`. */
  pattern: string;
  screen: ComponentType<ScreenProps>;
  auth?: boolean;
};

export const ROUTES: Route[] = [...coreRoutes, ...memberRoutes, ...dashboardRoutes, ...moderationRoutes];
