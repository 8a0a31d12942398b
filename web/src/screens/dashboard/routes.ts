// The dashboard screens and their URLs. Each is loaded on first use (lazy), so neither they nor
// the chart library are in the first load.
import type { Route, ScreenProps } from "../../routes";
import { lazy } from "../../ui/lazy";

const DashboardHome = lazy<ScreenProps>(() => import("./home"));
const CompanyPage = lazy<ScreenProps>(() => import("./company"));
const CampaignForm = lazy<ScreenProps>(() => import("./campaign-form"));
const CampaignPage = lazy<ScreenProps>(() => import("./campaign"));

// `/campaigns/new` before `/campaigns/:cid`: the first pattern that matches wins.
export const dashboardRoutes: Route[] = [
  { pattern: "/dashboard", screen: DashboardHome },
  { pattern: "/dashboard/:company", screen: CompanyPage },
  { pattern: "/dashboard/:company/campaigns/new", screen: CampaignForm },
  { pattern: "/dashboard/:company/campaigns/:cid/edit", screen: CampaignForm },
  { pattern: "/dashboard/:company/campaigns/:cid", screen: CampaignPage },
];
