import { optionFacts } from "@/lib/model-options";
import { combinationKey, combinationLabel } from "@/lib/request-rules";
import { stateLabels, type TaskView } from "@/lib/task-view";

/**
 * A take set as the browser sees it, and the pure rules about one: which settings differ
 * between its takes, which take may be picked. No I/O: pages, components and vitest use it.
 */

export interface TakeSetView {
  id: string;
  /** How many takes the Generate made (some may have been deleted since). */
  takes: number;
  ownerName: string;
  createdAt: string;
  /** The chosen take, who chose it and when; null until someone picks. */
  pickedTaskId: string | null;
  pickedBy: string | null;
  pickedAt: string | null;
  /** The takes still kept, in take order. */
  views: TaskView[];
}

/** "Take 2 of 4". */
export function takeLabel(takeIndex: number | null, takes: number): string {
  return `Take ${takeIndex ?? "?"} of ${takes}`;
}

/** The settings a take shows, term → value, in the order the task page lists them. */
export function takeSettings(view: TaskView): [term: string, value: string][] {
  return [
    ["Duration", `${view.seconds} s`],
    ["Resolution", view.size],
    ["Inputs", combinationLabel(combinationKey(view.media.map((ref) => ref.type)))],
    ["Prompt", view.prompt ?? "None"],
    ...optionFacts(view),
  ];
}

export interface DifferingSetting {
  term: string;
  /** One value per take, in the order given. */
  values: string[];
}

/**
 * Only the settings that differ between the takes (usually just the seed): a comparison
 * that lists what is the same everywhere hides the one thing that is not.
 */
export function differingSettings(views: TaskView[]): DifferingSetting[] {
  if (views.length < 2) return [];
  const all = views.map(takeSettings);
  return all[0].flatMap(([term], index) => {
    const values = all.map((settings) => settings[index][1]);
    return values.every((value) => value === values[0]) ? [] : [{ term, values }];
  });
}

/**
 * Why this take cannot be picked, or null. Only a finished video can be chosen: a failed or
 * running take has nothing to choose yet.
 */
export function pickProblem(
  take: Pick<TaskView, "status" | "takeSetId" | "takeIndex"> | undefined,
  takeSetId: string,
): string | null {
  if (!take || take.takeSetId !== takeSetId) {
    return "That take is not part of this set; it may have been deleted.";
  }
  if (take.status !== "completed") {
    return `Only a finished take can be picked: take ${take.takeIndex ?? "?"} is ${stateLabels[take.status].toLowerCase()}.`;
  }
  return null;
}
