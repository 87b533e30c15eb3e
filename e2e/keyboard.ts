import { expect, type Locator, type Page } from "@playwright/test";

// Keyboard-only helpers for the specs that drive a page without a mouse: where the focus is,
// whether it can be seen, and Tab until a control has it (every stop on the way visible).

/** What has the focus, and whether the focus can be seen (outline or ring on it or its slot). */
export async function focused(page: Page) {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body) return { name: "", visible: false, tag: "body" };
    const shows = (node: Element | null) => {
      if (!node) return false;
      const style = getComputedStyle(node);
      return (
        (style.outlineStyle !== "none" && Number.parseFloat(style.outlineWidth) > 0) ||
        style.boxShadow !== "none"
      );
    };
    // A visually hidden file input shows its focus on the slot around it (focus-within ring).
    // A <video controls> passes the focus to its native buttons, which draw their own ring
    // inside the browser's shadow tree (not readable from the page).
    const nativeControls = element instanceof HTMLVideoElement && element.controls;
    const visible = nativeControls || shows(element) || shows(element.closest("[data-slot]"));
    const labels = (element as HTMLInputElement).labels;
    const name =
      element.getAttribute("aria-label") ??
      (labels && labels.length > 0 ? (labels[0].textContent ?? "") : (element.textContent ?? ""));
    return { name: name.trim(), visible, tag: element.tagName.toLowerCase() };
  });
}

/**
 * Tabs (Shift+Tab with `backwards`) until `target` (or one of its matches) has the focus;
 * every stop is visible.
 */
export async function tabToLocator(page: Page, target: Locator, max = 80, backwards = false) {
  for (let i = 0; i < max; i++) {
    const has = await target.evaluateAll((elements) =>
      elements.some((element) => element === document.activeElement),
    );
    if (has) return;
    await page.keyboard.press(backwards ? "Shift+Tab" : "Tab");
    const now = await focused(page);
    // Every stop is a control: the focus never falls back to the page (not after a slot
    // takes a file, either).
    expect(now.tag, `Tab stop ${i + 1} on the page itself`).not.toBe("body");
    expect(now.visible, `focus visible on ${now.tag} "${now.name}"`).toBe(true);
  }
  throw new Error("Tab never reached the control");
}

/**
 * Tabs on from where the focus is (the top, on a page just opened) until the focus leaves the
 * page (past the last control, into the browser): nothing traps the focus, and every stop on
 * the way shows it. Returns the names of the stops, in order.
 */
export async function tabThroughPage(page: Page, max = 250): Promise<string[]> {
  const stops: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const now = await focused(page);
    if (now.tag === "body") return stops;
    expect(now.visible, `focus visible on ${now.tag} "${now.name}"`).toBe(true);
    stops.push(now.name);
  }
  throw new Error(`the focus never left the page after ${max} Tab presses: ${stops.slice(-5)}`);
}
