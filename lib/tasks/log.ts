/**
 * One JSON line per task event, with ids, never secrets or media URLs (they carry
 * signatures). Vercel and most log stores index JSON lines.
 */
export function logEvent(event: string, fields: Record<string, string | number | undefined>) {
  console.info(JSON.stringify({ at: new Date().toISOString(), event, ...fields }));
}
