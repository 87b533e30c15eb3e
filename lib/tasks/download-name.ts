import type { TaskRow } from "@/lib/db/schema";

/** `wan-2026-11-25-the-portrait-turns.mp4`: the date and the prompt's first words, ASCII-safe. */
export function downloadName(row: Pick<TaskRow, "id" | "prompt" | "createdAt">): string {
  const date = row.createdAt.toISOString().slice(0, 10);
  const words = (row.prompt ?? "")
    .normalize("NFKD")
    .replace(/\[demo-fail:[^\]]*\]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48)
    .replace(/-+$/, "");
  return `wan-${date}-${words || row.id}.mp4`;
}
