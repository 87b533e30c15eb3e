import { expect } from "@playwright/test";
import type { StudioPage } from "./studio";

/** The four tasks `startFour` made, in the order they were made. */
export interface FourTasks {
  ids: string[];
  prompts: string[];
}

/**
 * Starts four videos of one shot from the studio, as fast as a person can. Today: four
 * Generates with distinct prompts (one frame, kept in its slot between them). Once the studio
 * has its Takes control this becomes one Generate with "Takes: 4".
 */
export async function startFour(studio: StudioPage, token: string): Promise<FourTasks> {
  await studio.upload("First frame", "portrait.png");
  const ids: string[] = [];
  const prompts: string[] = [];
  for (let take = 1; take <= 4; take++) {
    const prompt = `Take ${take} of the lighthouse at dusk ${token}`;
    await studio.setPrompt(prompt);
    await expect(studio.generateButton).toBeEnabled();
    await studio.generateButton.click();
    const previous = ids.at(-1);
    // The URL names the new task once the server action answered.
    await expect
      .poll(() => new URL(studio.page.url()).searchParams.get("task"), { timeout: 15_000 })
      .not.toBe(previous ?? null);
    ids.push(new URL(studio.page.url()).searchParams.get("task") as string);
    prompts.push(prompt);
  }
  return { ids, prompts };
}
