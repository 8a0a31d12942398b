// The member screens and their URLs.
import type { Route } from "../../routes";

export const memberRoutes: Route[] = [];
