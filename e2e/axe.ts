import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";

/** What the suite holds every page to: WCAG 2.1 A and AA, plus axe's best practices. */
export const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];

/**
 * Runs axe-core on the page as it is now and fails with one line per violation (rule id,
 * impact, the elements it found and what is wrong) so a failure says what to fix.
 */
export async function expectNoAxeViolations(page: Page, label: string) {
  const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  const lines = results.violations.flatMap((violation) =>
    violation.nodes.map(
      (node) =>
        `${violation.id} (${violation.impact}) ${node.target.join(" ")}: ${node.failureSummary?.replace(/\s+/g, " ") ?? violation.help}`,
    ),
  );
  expect(lines, `axe violations on ${label}`).toEqual([]);
}

/** No horizontal scrolling: the page is no wider than the window. */
export async function expectNoHorizontalScroll(page: Page, label: string) {
  const sizes = await page.evaluate(() => {
    const client = document.documentElement.clientWidth;
    // The innermost elements that stick out, to name in a failure.
    const wide = [...document.body.querySelectorAll("*")]
      .filter((element) => element.getBoundingClientRect().right > client + 1)
      .filter(
        (element) =>
          ![...element.children].some((child) => child.getBoundingClientRect().right > client + 1),
      )
      .slice(0, 5)
      .map((element) => `${element.tagName.toLowerCase()}.${[...element.classList].join(".")}`);
    return { scroll: document.documentElement.scrollWidth, client, wide };
  });
  expect(
    sizes.scroll,
    `horizontal scrolling on ${label}: ${sizes.wide.join(" | ")}`,
  ).toBeLessThanOrEqual(sizes.client);
}
