import { readFileSync } from "node:fs";
import { type Browser, expect, type Page, test } from "@playwright/test";
import { serverActionId } from "./actions";
import { AUTH_E2E } from "./auth-settings";
import { expectNoAxeViolations, expectNoHorizontalScroll } from "./axe";
import { fixturePath, StudioPage } from "./pages/studio";

/**
 * Sign-in against a real OpenID Connect provider (e2e/oidc-provider.mjs): its own login form,
 * the code flow, the team's allow-list, and who may do what once inside. Runs in the `auth`
 * project, on a server started with sign-in on (playwright.config.ts).
 */

// One story: alice's video is what bob sees and the admin deletes.
test.describe.configure({ mode: "serial" });

/** Signs in through the provider's real login form (any password; the login is the email). */
async function signIn(page: Page, email: string, from = "/") {
  await page.goto(from);
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=/);
  await page.getByRole("button", { name: `Sign in with ${AUTH_E2E.providerName}` }).click();
  await expect(page).toHaveURL(new RegExp(`^${AUTH_E2E.issuer}/interaction/`));
  await page.getByPlaceholder("Enter any login").fill(email);
  await page.getByPlaceholder("and password").fill("any password");
  await page.getByRole("button", { name: "Sign-in" }).click();
}

async function memberPage(browser: Browser, email: string, from = "/"): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, email, from);
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  return page;
}

/** Calls the deleteVideo server action the way a hand-made request would, from `page`. */
async function forceDelete(page: Page, taskId: string): Promise<string> {
  const actionId = serverActionId("deleteVideo");
  return page.evaluate(
    async ({ id, task }) => {
      const response = await fetch(location.href, {
        method: "POST",
        headers: {
          "Next-Action": id as string,
          Accept: "text/x-component",
          "Content-Type": "text/plain;charset=UTF-8",
        },
        body: JSON.stringify([task]),
      });
      return response.text();
    },
    { id: actionId, task: taskId },
  );
}

let aliceTaskId = "";

test("a visitor without a session is sent to the sign-in page", async ({ page }) => {
  await page.goto("/videos?state=completed");
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fvideos%3Fstate%3Dcompleted$/);
  await expect(page.getByRole("heading", { name: "Sign in to wan-studio" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Sign in with Team SSO" })).toBeVisible();
  // Demo mode stays demo mode: signing in does not turn the real gateway on.
  await expect(page.getByText(/Demo mode/)).toBeVisible();
});

test("the sign-in page has no axe violations and no sideways scroll at 200 %", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Sign in to wan-studio" })).toBeVisible();
  await expectNoAxeViolations(page, "sign-in");
  await page.setViewportSize({ width: 640, height: 400 });
  await expectNoHorizontalScroll(page, "sign-in at 200 %");
});

test("API routes answer 401 without a session, except those with their own permission", async ({
  request,
}) => {
  const refused = [
    request.get("/api/tasks/abcdefgh"),
    request.get("/api/tasks/abcdefgh/video"),
    request.get("/api/tasks/abcdefgh/poster"),
    request.post("/api/uploads?kind=first_frame", {
      data: readFileSync(fixturePath("portrait.png")),
      headers: { "Content-Type": "image/png", "X-File-Name": "portrait.png" },
    }),
    request.post("/api/uploads/presign", { data: { kind: "first_frame", size: 10 } }),
    request.post("/api/uploads/complete", { data: { uploadId: "x" } }),
  ];
  for (const response of await Promise.all(refused)) {
    expect(response.status(), response.url()).toBe(401);
    expect(await response.json()).toMatchObject({ code: "unauthorized" });
  }
  // A signed media link is its own permission (the gateway fetches it with no session).
  const media = await request.get("/api/media/00000000-0000-4000-8000-000000000000?exp=1&sig=nope");
  expect(media.status()).toBe(403);
  // Auth.js itself stays reachable.
  const providers = await request.get("/api/auth/providers");
  expect(providers.status()).toBe(200);
  expect(await providers.json()).toMatchObject({ oidc: { name: "Team SSO" } });
});

test("someone outside the team is refused with a clear sentence", async ({ page }) => {
  await signIn(page, "eve@evil.test");
  await expect(page).toHaveURL(/\/sign-in\?/);
  await expect(page.getByRole("main").getByRole("alert")).toHaveText(
    "eve@evil.test is not on this team's list, so it cannot use the studio. Sign in with your team account, or ask an admin to add you.",
  );
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2F$/);
});

test("alice signs in, sees herself in the header and makes a video", async ({ page }) => {
  await signIn(page, "alice@team.test");
  await expect(page).toHaveURL(`${AUTH_E2E.baseURL}/`);
  const header = page.getByRole("banner");
  await expect(header.getByText("alice", { exact: true })).toBeVisible();
  await expect(header.getByText("alice@team.test")).toBeVisible();
  await expect(header.getByRole("button", { name: "Sign out" })).toBeVisible();

  const studio = new StudioPage(page);
  await expect(studio.generateButton).toBeVisible();
  await studio.upload("First frame", "portrait.png");
  await studio.setPrompt("Alice's portrait turns to the light");
  aliceTaskId = await studio.generate();
  await studio.expectCompleted();

  await page.goto(`/videos/${aliceTaskId}`);
  await expect(page.getByText(/Made by\s+alice/)).toBeVisible();
  // Her own video: she may delete it.
  await expect(page.getByRole("button", { name: "Delete" })).toBeVisible();

  await header.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto("/");
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2F$/);
});

test("bob sees alice's video in the history but cannot delete it", async ({ browser }) => {
  expect(aliceTaskId).not.toBe("");
  const page = await memberPage(browser, "bob@team.test", "/videos");
  await expect(page).toHaveURL(`${AUTH_E2E.baseURL}/videos`);
  const item = page
    .getByRole("list", { name: "Videos" })
    .getByRole("listitem")
    .filter({ hasText: "Alice's portrait turns to the light" });
  await expect(item).toContainText(/by\s*alice/);

  await item.getByRole("link").click();
  await expect(page).toHaveURL(`${AUTH_E2E.baseURL}/videos/${aliceTaskId}`);
  await expect(page.getByText(/Made by\s+alice/)).toBeVisible();
  await expect(page.getByRole("link", { name: "Remix" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Delete" })).toHaveCount(0);

  // Forced anyway: the action checks ownership itself.
  const answer = await forceDelete(page, aliceTaskId);
  expect(answer).toContain("Only alice, who made this video, or an admin can delete it.");
  await page.reload();
  await expect(page.getByText(/Made by\s+alice/)).toBeVisible();
  await page.context().close();
});

test("an admin can delete anyone's video, after confirming", async ({ browser }) => {
  expect(aliceTaskId).not.toBe("");
  const page = await memberPage(browser, "admin@team.test", `/videos/${aliceTaskId}`);
  await expect(page).toHaveURL(`${AUTH_E2E.baseURL}/videos/${aliceTaskId}`);
  await page.getByRole("button", { name: "Delete" }).click();
  await expect(page.getByText("Delete this video for good?")).toBeVisible();
  await page.getByRole("button", { name: "Yes, delete" }).click();
  await expect(page).toHaveURL(`${AUTH_E2E.baseURL}/videos`);
  await expect(page.getByText("Alice's portrait turns to the light")).toHaveCount(0);

  const gone = await page.goto(`/videos/${aliceTaskId}`);
  expect(gone?.status()).toBe(404);
  const video = await page.request.get(`/api/tasks/${aliceTaskId}/video`);
  expect(video.status()).toBe(404);
  await page.context().close();
});
