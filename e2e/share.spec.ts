import { type APIResponse, type Browser, expect, type Page, test } from "@playwright/test";
import postgres from "postgres";
import { expectNoAxeViolations } from "./axe";
import { StudioPage } from "./pages/studio";
import { TakeSetPage, TakesControl } from "./pages/takes";
import { SHARE_E2E, shareDatabaseUrl } from "./share-settings";

/**
 * Share links and review, in the `share` project (sign-in on, Postgres): alice makes a video
 * and shares it; a signed-out viewer opens the link in a fresh context, plays it in ranges,
 * downloads it (or cannot), comments with a time pin; alice reviews it; revoke and expiry end
 * the link with the same not-found page as a wrong token.
 */

test.describe.configure({ mode: "serial" });

async function signIn(page: Page, email: string, from = "/") {
  await page.goto(from);
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=/);
  await page.getByRole("button", { name: `Sign in with ${SHARE_E2E.providerName}` }).click();
  await expect(page).toHaveURL(new RegExp(`^${SHARE_E2E.issuer}/interaction/`));
  await page.getByPlaceholder("Enter any login").fill(email);
  await page.getByPlaceholder("and password").fill("any password");
  await page.getByRole("button", { name: "Sign-in" }).click();
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}

async function memberPage(browser: Browser, email: string, from = "/"): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, email, from);
  return page;
}

/** A fresh context: no cookies, no session. */
async function viewerPage(browser: Browser): Promise<Page> {
  return (await browser.newContext()).newPage();
}

/** Makes a share link on the video page (already open) and returns its URL. */
async function makeLink(
  page: Page,
  options: { days?: string; download?: boolean; settings?: boolean; comments?: boolean } = {},
): Promise<string> {
  const share = page.getByRole("region", { name: "Share" });
  if (options.days) await share.getByLabel("Link expires after").selectOption(options.days);
  await share.getByLabel("Allow download").setChecked(options.download ?? true);
  await share.getByLabel("Show prompt and settings").setChecked(options.settings ?? false);
  await share.getByLabel("Allow comments from viewers").setChecked(options.comments ?? false);
  const field = share.getByLabel("New share link");
  const before = (await field.count()) ? await field.inputValue() : "";
  await share.getByRole("button", { name: "Create share link" }).click();
  await expect(field).toHaveValue(/\/s\/[A-Za-z0-9_-]{43}$/);
  await expect(field).not.toHaveValue(before);
  return field.inputValue();
}

/**
 * A not-found answer with what differs per request taken out: the CSP nonce (new on every
 * page) and the token in the address. Everything else must be byte for byte the same.
 */
async function normalised(response: APIResponse, token: string): Promise<string> {
  const nonce = /'nonce-([^']+)'/.exec(response.headers()["content-security-policy"] ?? "")?.[1];
  expect(nonce).toBeTruthy();
  return (await response.text()).replaceAll(nonce as string, "NONCE").replaceAll(token, "TOKEN");
}

let alice: Page;
let taskId = "";
let firstLink = "";
const PROMPT = "Shared portrait turns to the window";

test.beforeAll(async ({ browser }) => {
  alice = await memberPage(browser, "alice@team.test");
});

test("alice makes a video and a share link; a signed-out viewer plays it in ranges and downloads it", async ({
  browser,
}) => {
  const studio = new StudioPage(alice);
  await studio.upload("First frame", "portrait.png");
  await studio.setPrompt(PROMPT);
  taskId = await studio.generate();
  await studio.expectCompleted();
  await alice.goto(`/videos/${taskId}`);
  firstLink = await makeLink(alice, { days: "1" });
  await expect(alice.getByRole("list", { name: "Share links" })).toContainText(/Active · by alice/);

  const viewer = await viewerPage(browser);
  const response = await viewer.goto(firstLink);
  expect(response?.status()).toBe(200);
  expect(response?.headers()["x-robots-tag"]).toBe("noindex, nofollow");
  expect(response?.headers()["referrer-policy"]).toBe("no-referrer");
  await expect(viewer.locator('meta[name="robots"]')).toHaveAttribute("content", /noindex/);
  await expect(viewer.locator('meta[name="referrer"]')).toHaveAttribute("content", "no-referrer");
  await expect(viewer.getByRole("heading", { name: "Shared video" })).toBeVisible();
  // Nothing else of the studio: no links at all but the download, no prompt, no emails.
  const links = await viewer.getByRole("link").all();
  expect(await Promise.all(links.map((link) => link.textContent()))).toEqual(["Download"]);
  await expect(viewer.getByText(PROMPT)).toHaveCount(0);
  expect(await viewer.content()).not.toContain("alice@team.test");
  expect(await viewer.content()).not.toContain(taskId);

  const video = new StudioPage(viewer);
  await video.expectVideoPlays();
  const ranged = await viewer.request.get(`${firstLink}/video`, {
    headers: { Range: "bytes=0-99" },
  });
  expect(ranged.status()).toBe(206);
  expect(ranged.headers()["content-range"]).toMatch(/^bytes 0-99\/\d+$/);
  expect(ranged.headers()["x-content-type-options"]).toBe("nosniff");
  await video.expectDownloadIsMp4();
  await expectNoAxeViolations(viewer, "share page");
  await viewer.context().close();
});

test("download off, prompt shown, comments on: a viewer comments at a time; the pin seeks the player", async ({
  browser,
}) => {
  const link = await makeLink(alice, { download: false, settings: true, comments: true });
  const viewer = await viewerPage(browser);
  await viewer.goto(link);
  await expect(viewer.getByRole("link", { name: "Download" })).toHaveCount(0);
  expect((await viewer.request.get(`${link}/video?download`)).status()).toBe(404);
  await expect(viewer.getByRole("region", { name: "Prompt and settings" })).toContainText(PROMPT);

  const player = viewer.getByLabel("Generated video");
  await player.evaluate(async (element) => {
    const video = element as HTMLVideoElement;
    if (video.readyState < 1)
      await new Promise((resolve) =>
        video.addEventListener("loadedmetadata", resolve, { once: true }),
      );
    video.currentTime = 1.2;
    await new Promise((resolve) => video.addEventListener("seeked", resolve, { once: true }));
  });
  await viewer.getByLabel("Your name").fill("Vic the producer");
  await viewer.getByLabel("Comment", { exact: true }).fill("<b>Hold</b> this frame longer");
  await viewer.getByLabel("Pin to the player's current time").check();
  await viewer.getByRole("button", { name: "Add comment" }).click();
  const comments = viewer.getByRole("list", { name: "Comments" });
  // Text, never HTML.
  await expect(comments).toContainText("<b>Hold</b> this frame longer");
  await expect(comments).toContainText("Vic the producer");
  await expect(viewer.getByRole("list", { name: "Comment pins" }).getByRole("button")).toHaveCount(
    1,
  );
  await player.evaluate((element) => {
    (element as HTMLVideoElement).currentTime = 0;
  });
  await comments.getByRole("button", { name: "Play from 0:01.2" }).click();
  await expect
    .poll(() => player.evaluate((element) => (element as HTMLVideoElement).currentTime))
    .toBeCloseTo(1.2, 1);
  await expectNoAxeViolations(viewer, "share page with comments");
  await viewer.context().close();

  // Alice hears of it: the header counts the new comment until she opens the video.
  await alice.goto("/videos");
  await expect(alice.getByRole("link", { name: "1 new comment" })).toBeVisible();
  await alice.getByRole("link", { name: "1 new comment" }).click();
  await expect(alice).toHaveURL(new RegExp(`/videos/${taskId}#comments$`));
  await expect(alice.getByRole("list", { name: "Comments" })).toContainText("(via share link)");
  await alice.goto("/videos");
  await expect(alice.getByRole("link", { name: /new comment/ })).toHaveCount(0);
});

test("alice comments at a time, approves; the history card shows it and the filter finds it", async () => {
  await alice.goto(`/videos/${taskId}`);
  const player = alice.getByLabel("Generated video");
  await player.evaluate(async (element) => {
    const video = element as HTMLVideoElement;
    if (video.readyState < 1)
      await new Promise((resolve) =>
        video.addEventListener("loadedmetadata", resolve, { once: true }),
      );
    video.currentTime = 0.5;
    await new Promise((resolve) => video.addEventListener("seeked", resolve, { once: true }));
  });
  await alice.getByLabel("Comment", { exact: true }).fill("Grade is too warm here");
  await alice.getByRole("button", { name: "Add comment" }).click();
  const comments = alice.getByRole("list", { name: "Comments" });
  await expect(comments).toContainText("Grade is too warm here");
  await expect(alice.getByRole("list", { name: "Comment pins" }).getByRole("button")).toHaveCount(
    2,
  );
  await alice
    .getByRole("list", { name: "Comment pins" })
    .getByRole("button", { name: /^Go to 0:00\.5/ })
    .click();
  await expect
    .poll(() => player.evaluate((element) => (element as HTMLVideoElement).currentTime))
    .toBeCloseTo(0.5, 1);

  await alice.getByRole("button", { name: "Request changes" }).click();
  await expect(alice.getByRole("region", { name: "Review" }).getByRole("status")).toContainText(
    "Changes requested by alice",
  );
  await alice.getByRole("button", { name: "Approve" }).click();
  await expect(alice.getByRole("region", { name: "Review" }).getByRole("status")).toContainText(
    "Approved by alice",
  );
  await expectNoAxeViolations(alice, "video page with review");

  await alice.goto("/videos?review=approved");
  const card = alice
    .getByRole("list", { name: "Videos" })
    .getByRole("listitem")
    .filter({ hasText: PROMPT });
  await expect(card).toContainText("Approved");
  await expect(card).toContainText("2 comments");
  await alice.goto("/videos");
  await alice.getByLabel("Review", { exact: true }).selectOption("changes_requested");
  await alice.getByRole("button", { name: "Filter" }).click();
  await expect(alice).toHaveURL(/review=changes_requested/);
  await expect(
    alice.getByRole("list", { name: "Videos" }).getByRole("listitem").filter({ hasText: PROMPT }),
  ).toHaveCount(0);
});

test("revoked, expired and wrong links all answer the same not-found page", async ({ browser }) => {
  const viewer = await viewerPage(browser);
  const wrongToken = "A".repeat(43);
  const wrong = await viewer.request.get(`/s/${wrongToken}`);
  expect(wrong.status()).toBe(404);
  const wrongBody = await normalised(wrong, wrongToken);

  // Revoke from the video's page: links are listed newest first.
  await alice.goto(`/videos/${taskId}`);
  const listed = alice.getByRole("list", { name: "Share links" }).getByRole("listitem");
  const before = await listed.count();
  const toRevoke = await makeLink(alice);
  // The list shows the new link (newest first) once the page has refreshed.
  await expect(listed).toHaveCount(before + 1);
  await listed
    .first()
    .getByRole("button", { name: /^Revoke/ })
    .click();
  await expect(alice.getByRole("status").filter({ hasText: "Share link revoked" })).toBeVisible();
  const revoked = await viewer.request.get(toRevoke);
  expect(revoked.status()).toBe(404);
  const token = toRevoke.split("/s/")[1] ?? "";
  expect(await normalised(revoked, token)).toBe(wrongBody);
  expect(
    (await viewer.request.get(`${toRevoke}/video`, { headers: { Range: "bytes=0-9" } })).status(),
  ).toBe(404);

  // Expiry: the spec moves the link's end into the past in the database (no waiting).
  const expiring = await makeLink(alice, { days: "30" });
  expect((await viewer.request.get(expiring)).status()).toBe(200);
  const sql = postgres(shareDatabaseUrl(), { max: 1, onnotice: () => {} });
  try {
    const moved = await sql`
      update share_links set expires_at = now() - interval '1 second'
      where target_id = ${taskId} and revoked_at is null and expires_at > now() + interval '29 days'`;
    expect(moved.count).toBe(1);
  } finally {
    await sql.end();
  }
  const expired = await viewer.request.get(expiring);
  expect(expired.status()).toBe(404);
  const expiredToken = expiring.split("/s/")[1] ?? "";
  expect(await normalised(expired, expiredToken)).toBe(wrongBody);
  expect(expired.headers()["x-robots-tag"]).toBe("noindex, nofollow");

  // The page a person sees for any of them is the app's not-found page.
  await viewer.goto(expiring);
  await expect(viewer.getByRole("heading", { name: "404" })).toBeVisible();
  await viewer.context().close();
});

test("the admin page lists every link; members who are not admins do not get it", async ({
  browser,
}) => {
  expect((await alice.goto("/shares"))?.status()).toBe(404);
  const lead = await memberPage(browser, "lead@team.test", "/shares");
  await expect(lead.getByRole("heading", { name: "Share links" })).toBeVisible();
  const rows = lead.getByRole("table", { name: "Share links" }).getByRole("row");
  await expect(rows.filter({ hasText: "Revoked" }).first()).toBeVisible();
  await expect(rows.filter({ hasText: "Expired" }).first()).toBeVisible();
  await expect(rows.filter({ hasText: PROMPT }).first()).toBeVisible();
  await expectNoAxeViolations(lead, "share links admin page");
  await lead.context().close();
});

test("a take set takes comments pinned to the transport's time; the pin seeks every take", async () => {
  test.setTimeout(90_000);
  await alice.goto("/");
  const studio = new StudioPage(alice);
  const takes = new TakesControl(alice);
  await studio.upload("First frame", "portrait.png");
  await studio.setPrompt("Two takes to review");
  await takes.option(2).check();
  await studio.generate();
  await expect(alice).toHaveURL(/[?&]set=[^&]+/);
  const setId = new URL(alice.url()).searchParams.get("set") as string;
  const set = new TakeSetPage(alice);
  await set.goto(setId);
  await expect(set.position).toBeEnabled({ timeout: 30_000 });
  await set.position.fill("1");
  await alice.getByLabel("Comment", { exact: true }).fill("Take 2 breathes better here");
  await alice.getByLabel("Pin to the player's current time").check();
  await alice.getByRole("button", { name: "Add comment" }).click();
  const comments = alice.getByRole("list", { name: "Comments" });
  await expect(comments).toContainText("Take 2 breathes better here");
  const pin = comments.getByRole("button", { name: /^Play from 0:01\.0$/ });
  await expect(pin).toBeVisible();
  await set.position.fill("0");
  await pin.click();
  await expect
    .poll(() => set.position.evaluate((element) => Number((element as HTMLInputElement).value)))
    .toBeCloseTo(1, 1);
  await expect(alice.getByRole("list", { name: "Comment pins" }).getByRole("button")).toHaveCount(
    1,
  );
  await expectNoAxeViolations(alice, "take set with comments");
});

// Last: it spends this server's allowance of wrong tokens (no trusted proxy here, so every
// client is one and the same).
test("guessing tokens is cut off: past the limit even a right link finds nothing", async ({
  browser,
}) => {
  const good = await (async () => {
    await alice.goto(`/videos/${taskId}`);
    return makeLink(alice);
  })();
  const viewer = await viewerPage(browser);
  const statuses: number[] = [];
  for (let i = 0; i < 30; i++) {
    const guess = `${"B".repeat(40)}${String(i).padStart(3, "0")}`;
    statuses.push((await viewer.request.get(`/s/${guess}/video`)).status());
  }
  expect(statuses.filter((status) => status === 200 || status === 206)).toEqual([]);
  expect(statuses).toContain(429);
  // Forged addresses do not buy a fresh allowance.
  const forged = await viewer.request.get(`/s/${"C".repeat(43)}/video`, {
    headers: { "X-Forwarded-For": "203.0.113.77" },
  });
  expect(forged.status()).toBe(429);
  expect(Number(forged.headers()["retry-after"])).toBeGreaterThan(0);
  expect((await viewer.request.get(`${good}/video`)).status()).toBe(429);
  const page = await viewer.request.get(good);
  expect(page.status()).toBe(404);
  await viewer.context().close();
});
