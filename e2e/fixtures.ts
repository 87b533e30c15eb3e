import { test as base } from "@playwright/test";
import { StudioPage } from "./pages/studio";

export { expect } from "@playwright/test";

/** `studio`: the studio page, opened on `/` and ready to take files. */
export const test = base.extend<{ studio: StudioPage }>({
  studio: async ({ page }, use) => {
    const studio = new StudioPage(page);
    await studio.goto();
    await use(studio);
  },
});
