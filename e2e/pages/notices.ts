import { type BrowserContext, expect, type Locator, type Page } from "@playwright/test";

/**
 * Runs before the app in every page of a context: records every `new Notification(…)` and
 * every permission request (headless Chromium may show nothing), keeping the real ones, and
 * lets a test hide the tab (`document.visibilityState`, `visibilitychange`) as switching to
 * another tab would.
 */
function instrument() {
  const win = window as unknown as Record<string, unknown>;
  const Real = window.Notification;
  const made: { title: string; body?: string; tag?: string; instance: unknown }[] = [];
  win.__notices = made;
  win.__permissionRequests = 0;
  class Recorded {
    title: string;
    onclick: (() => void) | null = null;
    constructor(title: string, options?: NotificationOptions) {
      this.title = title;
      made.push({ title, body: options?.body, tag: options?.tag, instance: this });
      try {
        new Real(title, options);
      } catch {
        // Headless without a notification server: recorded is enough.
      }
    }
    static get permission() {
      return Real.permission;
    }
    static requestPermission() {
      win.__permissionRequests = (win.__permissionRequests as number) + 1;
      return Real.requestPermission();
    }
    close() {}
  }
  win.Notification = Recorded;
  let hidden = false;
  Object.defineProperty(Document.prototype, "visibilityState", {
    configurable: true,
    get: () => (hidden ? "hidden" : "visible"),
  });
  Object.defineProperty(Document.prototype, "hidden", { configurable: true, get: () => hidden });
  win.__setHidden = (value: boolean) => {
    hidden = value;
    document.dispatchEvent(new Event("visibilitychange"));
  };
}

export async function instrumentNotifications(context: BrowserContext) {
  await context.addInitScript(instrument);
}

/** A tab of the studio, as the notices see it. */
export class NoticesPage {
  readonly toggle: Locator;
  readonly toasts: Locator;

  constructor(readonly page: Page) {
    this.toggle = page.getByRole("button", { name: "Notify me when videos finish" });
    this.toasts = page.getByRole("region", { name: "Finished videos" });
  }

  toast(text: string | RegExp): Locator {
    return this.toasts.locator("div").filter({ hasText: text });
  }

  async setHidden(hidden: boolean) {
    await this.page.evaluate((value) => {
      (window as unknown as { __setHidden: (value: boolean) => void }).__setHidden(value);
    }, hidden);
  }

  /** The titles of the system notifications this tab made. */
  async notifications(): Promise<string[]> {
    return this.page.evaluate(() =>
      ((window as unknown as { __notices: { title: string }[] }).__notices ?? []).map(
        (entry) => entry.title,
      ),
    );
  }

  async permissionRequests(): Promise<number> {
    return this.page.evaluate(
      () => (window as unknown as { __permissionRequests: number }).__permissionRequests,
    );
  }

  /** Clicks the last system notification this tab made, as the person would. */
  async clickNotification() {
    await this.page.evaluate(() => {
      const made = (window as unknown as { __notices: { instance: { onclick?: () => void } }[] })
        .__notices;
      made.at(-1)?.instance.onclick?.();
    });
  }

  async turnOn() {
    await this.toggle.click();
    await expect(this.toggle).toHaveAttribute("aria-pressed", "true");
  }
}
