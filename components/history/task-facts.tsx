"use client";

import { optionFacts } from "@/lib/model-options";
import { formatUsd } from "@/lib/request-rules";
import { formatElapsed, isTerminal } from "@/lib/task-view";
import { useNow, useVideoTask } from "../studio/use-video-task";

const timeFormat = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "medium",
  timeStyle: "medium",
  timeZone: "UTC",
});

function at(iso: string | null): string {
  return iso ? `${timeFormat.format(new Date(iso))} UTC` : "—";
}

/** Settings and timings of a task; shares the polled task with the panel (same query key). */
export function TaskFacts({
  taskId,
  pollMs,
  cost,
}: {
  taskId: string;
  pollMs: number;
  cost: number;
}) {
  const { data: task } = useVideoTask(taskId, pollMs);
  const now = useNow(task ? !isTerminal(task.status) : false);
  if (!task) return null;
  const end = task.completedAt ? Date.parse(task.completedAt) : now;
  const rows: [string, string][] = [
    ["Duration", `${task.seconds} s`],
    ["Resolution", task.size],
    // The model's options as sent: the seed is the one actually sent, even for "Random".
    ...optionFacts(task),
    ["Estimated cost", `${formatUsd(cost)} (estimate)`],
    ["Queued", at(task.createdAt)],
    ["Started", at(task.startedAt)],
    ["Finished", at(task.completedAt)],
    ["Elapsed", formatElapsed(end - Date.parse(task.createdAt))],
  ];
  return (
    <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-4 gap-y-1.5 text-sm">
      {rows.map(([term, value]) => (
        <div key={term} className="contents">
          <dt className="text-ink-soft">{term}</dt>
          <dd className="break-words whitespace-pre-wrap tabular-nums">{value}</dd>
        </div>
      ))}
    </dl>
  );
}
