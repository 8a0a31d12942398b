import * as core from "./core";
import * as member from "./member";
import * as dashboard from "./dashboard";
import * as moderation from "./moderation";
import type { ja } from "./ja";

export const en: Record<keyof typeof ja, string> = { ...core.en, ...member.en, ...dashboard.en, ...moderation.en };
