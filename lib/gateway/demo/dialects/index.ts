import { documentedDialect } from "./documented";
import { newApiDialect } from "./new-api";
import type { DemoDialect, DemoDialectName } from "./types";

export { NEW_API_DOWNLOAD_LIMIT_MS, NEW_API_SATURATED } from "./new-api";
export type { DemoDialect, DemoDialectName, DemoTaskView } from "./types";

export function demoDialect(
  name: DemoDialectName,
  options: { downloadLimitMs?: number } = {},
): DemoDialect {
  return name === "new-api" ? newApiDialect(options) : documentedDialect;
}
