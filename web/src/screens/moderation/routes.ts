// The moderation screens and their URLs.
import type { Route } from "../../routes";

export const moderationRoutes: Route[] = [];
