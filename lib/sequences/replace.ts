import "server-only";
import { and, eq } from "drizzle-orm";
import type { CurrentUser } from "@/lib/auth/user";
import { getDb } from "@/lib/db/client";
import { sequenceShots, sequences } from "@/lib/db/schema";
import { logEvent } from "@/lib/tasks/log";
import { SequenceError } from "./errors";
import { lockSequences, shotsWithTasks } from "./store";
import { replaceCandidates } from "./view";

/**
 * Puts another take in a shot's place: one of the other takes of its take set, or a kept
 * result made from the same parent. The shots after it keep their tasks, whose first clips
 * came from the replaced take: they read as out of date (model.ts) until re-rolled.
 */
export async function replaceShot(
  sequenceId: string,
  position: number,
  taskId: string,
  user: Pick<CurrentUser, "id">,
): Promise<void> {
  const db = await getDb();
  await db.transaction(async (tx) => {
    await lockSequences(tx);
    const rows = await shotsWithTasks(sequenceId, tx);
    if (rows.length === 0) {
      throw new SequenceError("sequence_not_found", "There is no such sequence.");
    }
    if (rows.some(({ shot }) => shot.rerollStatus === "pending")) {
      throw new SequenceError(
        "reroll_busy",
        "This sequence is being re-rolled; replace a shot once it is done.",
      );
    }
    const here = rows.find(({ shot }) => shot.position === position);
    if (!here) throw new SequenceError("not_replaceable", "This sequence has no such shot.");
    const index = rows.indexOf(here);
    const candidates = await replaceCandidates(here.task, rows[index - 1]?.task, tx);
    if (!candidates.some((row) => row.id === taskId)) {
      throw new SequenceError(
        "not_replaceable",
        "That video cannot take this shot's place: pick another take of it, or a kept video continued from the shot before it.",
      );
    }
    await tx
      .update(sequenceShots)
      .set({ taskId, rerollStatus: null, rerollError: null })
      .where(and(eq(sequenceShots.sequenceId, sequenceId), eq(sequenceShots.position, position)));
    await tx.update(sequences).set({ updatedAt: new Date() }).where(eq(sequences.id, sequenceId));
  });
  logEvent("sequence.shot_replaced", { sequenceId, position, taskId, by: user.id });
}
