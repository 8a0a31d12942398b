// All Japanese messages: one table per area, each with its English twin beside it.
import * as core from "./core";
import * as member from "./member";
import * as dashboard from "./dashboard";
import * as moderation from "./moderation";

export const ja = { ...core.ja, ...member.ja, ...dashboard.ja, ...moderation.ja };
