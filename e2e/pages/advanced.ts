import { expect, type Locator, type Page } from "@playwright/test";

/** The studio's "Advanced" section: the model's other options, closed by default. */
export class AdvancedSection {
  readonly toggle: Locator;
  readonly negativePrompt: Locator;
  readonly randomSeed: Locator;
  readonly seed: Locator;
  readonly promptExtension: Locator;
  readonly watermark: Locator;

  constructor(readonly page: Page) {
    this.toggle = page.getByRole("button", { name: "Advanced", exact: true });
    this.negativePrompt = page.getByRole("textbox", { name: "Negative prompt" });
    this.randomSeed = page.getByRole("checkbox", { name: "Random seed" });
    this.seed = page.getByRole("textbox", { name: "Seed", exact: true });
    this.promptExtension = page.getByRole("checkbox", { name: "Prompt extension" });
    this.watermark = page.getByRole("checkbox", { name: "Watermark" });
  }

  async expectClosed() {
    await expect(this.toggle).toHaveAttribute("aria-expanded", "false");
    await expect(this.negativePrompt).toBeHidden();
  }

  async expectOpen() {
    await expect(this.toggle).toHaveAttribute("aria-expanded", "true");
    await expect(this.negativePrompt).toBeVisible();
  }

  /** Opens the section with the mouse (the keyboard path is a test of its own). */
  async open() {
    if ((await this.toggle.getAttribute("aria-expanded")) !== "true") await this.toggle.click();
    await this.expectOpen();
  }

  /** Unticks Random and types a seed. */
  async fixSeed(text: string) {
    await this.randomSeed.uncheck();
    await expect(this.seed).toBeEnabled();
    await this.seed.fill(text);
  }

  /** The form holds exactly these options. */
  async expectValues(values: {
    negativePrompt: string;
    seed: string | "Random";
    promptExtension: boolean;
    watermark: boolean;
  }) {
    await expect(this.negativePrompt).toHaveValue(values.negativePrompt);
    if (values.seed === "Random") {
      await expect(this.randomSeed).toBeChecked();
      await expect(this.seed).toBeDisabled();
    } else {
      await expect(this.randomSeed).not.toBeChecked();
      await expect(this.seed).toBeEnabled();
      await expect(this.seed).toHaveValue(values.seed);
    }
    await expect(this.promptExtension).toBeChecked({ checked: values.promptExtension });
    await expect(this.watermark).toBeChecked({ checked: values.watermark });
  }
}
