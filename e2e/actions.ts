import { readFileSync } from "node:fs";
import path from "node:path";

/**
 * The id the production build gave a server action of app/actions.ts, for tests that call it
 * the way a hand-made request would (no form, headers of their choosing).
 */
export function serverActionId(exportedName: string): string {
  const manifest = JSON.parse(
    readFileSync(path.join(__dirname, "../.next/server/server-reference-manifest.json"), "utf8"),
  ) as { node: Record<string, { filename?: string; exportedName?: string }> };
  const id = Object.entries(manifest.node).find(
    ([, entry]) => entry.filename === "app/actions.ts" && entry.exportedName === exportedName,
  )?.[0];
  if (!id) throw new Error(`${exportedName} is not in the build's server action manifest`);
  return id;
}
