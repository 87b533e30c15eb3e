import { expect, type Locator, type Page } from "@playwright/test";

/** The history page (`/videos`): filters in a GET form, a list of past videos, pagination. */
export class HistoryPage {
  readonly list: Locator;
  readonly state: Locator;
  readonly inputs: Locator;
  readonly search: Locator;
  readonly seed: Locator;
  readonly filterButton: Locator;
  readonly olderLink: Locator;
  readonly newestLink: Locator;

  constructor(readonly page: Page) {
    this.list = page.getByRole("list", { name: "Videos" });
    this.state = page.getByLabel("State", { exact: true });
    this.inputs = page.getByLabel("Inputs", { exact: true });
    this.search = page.getByRole("searchbox", { name: "Search prompts" });
    this.seed = page.getByRole("textbox", { name: "Seed", exact: true });
    this.filterButton = page.getByRole("button", { name: "Filter" });
    this.olderLink = page.getByRole("link", { name: "Older →" });
    this.newestLink = page.getByRole("link", { name: "← Newest" });
  }

  async goto(query = "") {
    await this.page.goto(`/videos${query}`);
    await expect(this.page.getByRole("heading", { name: "History" })).toBeVisible();
  }

  /** The list entry whose prompt contains `text`. */
  item(text: string): Locator {
    return this.list.getByRole("listitem").filter({ hasText: text });
  }

  /** The prompts of the listed entries that contain `text`, top to bottom. */
  async promptsContaining(text: string): Promise<string[]> {
    const prompts = await this.list.getByRole("listitem").locator("p.line-clamp-2").allInnerTexts();
    return prompts.filter((prompt) => prompt.includes(text));
  }

  /** Fills the filter form the way a person does and submits it. */
  async filter(options: { state?: string; inputs?: string; search?: string }) {
    await this.state.selectOption({ label: options.state ?? "All" });
    await this.inputs.selectOption({ label: options.inputs ?? "Any" });
    await this.search.fill(options.search ?? "");
    await this.filterButton.click();
    await expect(this.page).toHaveURL(/\/videos\?/);
  }
}

/** One task's own page (`/videos/<id>`). */
export class TaskPage {
  readonly remixLink: Locator;
  /** Opens the studio with this task's inputs, settings and its seed fixed. */
  readonly useSeedLink: Locator;
  readonly settings: Locator;
  readonly inputs: Locator;

  constructor(readonly page: Page) {
    this.remixLink = page.getByRole("link", { name: "Remix", exact: true });
    this.useSeedLink = page.getByRole("link", { name: "Use this seed" });
    this.settings = page.getByRole("region", { name: "Settings and timings" });
    this.inputs = page.getByRole("region", { name: "Inputs" });
  }

  async goto(taskId: string) {
    await this.page.goto(`/videos/${taskId}`);
  }

  /** The value beside a term of the settings list ("Duration" → "4 s"). */
  fact(term: string): Locator {
    return this.settings
      .locator("dt", { hasText: new RegExp(`^${term}$`) })
      .locator("xpath=following-sibling::dd[1]");
  }
}
