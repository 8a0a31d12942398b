// Login, signup (the invite link lands here with its code) and the page for unknown URLs.
import type { Route } from "../../routes";
import { Login, Signup } from "./auth";

export const coreRoutes: Route[] = [
  { pattern: "/login", screen: Login, auth: false },
  { pattern: "/signup", screen: Signup, auth: false },
];
