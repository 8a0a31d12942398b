// The dashboard screens and their URLs.
import type { Route } from "../../routes";

export const dashboardRoutes: Route[] = [];
