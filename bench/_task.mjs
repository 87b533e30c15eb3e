import path from "node:path";
import { chromium } from "playwright-core";
import { root } from "./shared.mjs";

const base = process.argv[2];
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox"],
});
let id = process.argv[3];
if (!id) {
  const page = await browser.newPage();
  page.setDefaultTimeout(90_000);
  await page.goto(`${base}/`);
  await page
    .locator('input[type="file"]')
    .and(page.getByLabel("First frame", { exact: true }))
    .setInputFiles(path.join(root, "e2e/media/portrait.png"));
  await page.getByRole("button", { name: "Remove first frame" }).waitFor();
  await page.getByRole("textbox", { name: "Prompt", exact: true }).fill("probe");
  await page.getByRole("button", { name: "Generate", exact: true }).click();
  await page.waitForURL(/[?&]task=/);
  id = new URL(page.url()).searchParams.get("task");
  for (;;) {
    const r = await fetch(`${base}/api/tasks/${id}/poster`);
    if (r.ok) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  await page.close();
}
console.log("task", id);
const html = await (await fetch(`${base}/videos/${id}`)).text();
console.log(
  "poster attr",
  /poster="[^"]+"/.test(html),
  "preload image",
  (html.match(/<link rel="preload" as="image"[^>]*>/g) ?? []).join(" "),
);
for (let i = 0; i < 4; i++) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.__l = [];
    new PerformanceObserver((l) => {
      for (const e of l.getEntries())
        window.__l.push([Math.round(e.startTime), e.element?.tagName, e.url, Math.round(e.size)]);
    }).observe({ type: "largest-contentful-paint", buffered: true });
  });
  await page.goto(`${base}/videos/${id}`, { waitUntil: "load" });
  await page.waitForTimeout(1500);
  console.log(
    JSON.stringify(
      await page.evaluate(() => [
        performance.getEntriesByName("first-contentful-paint")[0]?.startTime,
        window.__l,
        performance
          .getEntriesByType("resource")
          .filter((r) => r.name.includes("poster") || r.name.includes("/video"))
          .map((r) => [
            r.name.split("/").slice(-2).join("/"),
            Math.round(r.startTime),
            Math.round(r.responseEnd),
          ]),
      ]),
    ),
  );
  await context.close();
}
await browser.close();
