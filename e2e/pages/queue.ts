import { expect } from "@playwright/test";
import { AdvancedSection } from "./advanced";
import type { StudioPage } from "./studio";
import { TakesControl } from "./takes";

/** The take set `startFour` made: its takes in take order, each with the seed it was sent. */
export interface FourTakes {
  setId: string;
  prompt: string;
  ids: string[];
  seeds: number[];
}

/**
 * One Generate with "Takes: 4", as a person asks for four versions of one shot. The seed is
 * fixed, so take n is sent with `firstSeed + n - 1` and the gateway's record tells them apart.
 */
export async function startFour(
  studio: StudioPage,
  token: string,
  firstSeed = 7000,
): Promise<FourTakes> {
  const page = studio.page;
  const takes = new TakesControl(page);
  const advanced = new AdvancedSection(page);
  const prompt = `The lighthouse at dusk ${token}`;
  await studio.upload("First frame", "portrait.png");
  await studio.setPrompt(prompt);
  await takes.option(4).check();
  await advanced.open();
  await advanced.fixSeed(String(firstSeed));
  await expect(studio.generateButton).toBeEnabled();
  await studio.generateButton.click();
  await expect(page).toHaveURL(/[?&]set=[^&]+/, { timeout: 15_000 });
  const setId = new URL(page.url()).searchParams.get("set") as string;
  const ids: string[] = [];
  for (let take = 1; take <= 4; take++) {
    const link = takes.panel(`Take ${take} of 4`).getByRole("link", { name: "Open its page" });
    const href = (await link.getAttribute("href")) as string;
    ids.push(href.replace(/^\/videos\//, ""));
  }
  return { setId, prompt, ids, seeds: [0, 1, 2, 3].map((n) => firstSeed + n) };
}
