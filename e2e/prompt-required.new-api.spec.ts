import { expect, test } from "./fixtures";
import { NEW_API_E2E } from "./new-api-settings";

// Mainline new-api refuses a create without a prompt (400 "prompt is required"). On a server
// that has not been told so (no GATEWAY_REQUIRES_PROMPT) and has not met that answer yet, the
// first try is refused with a sentence the user can act on; the app remembers it, and the
// form asks for the prompt before anything is sent the next time.
test.use({ baseURL: NEW_API_E2E.fresh.baseURL });

const NEEDS_PROMPT = "This video service needs a prompt: describe the motion.";

test("a gateway that requires a prompt: refused once with a sentence, then asked for in the form", async ({
  studio,
  page,
}) => {
  await studio.upload("First frame", "portrait.png");
  // Nothing known yet: the form lets a prompt-less video go.
  await expect(studio.prompt).toHaveValue("");
  await expect(studio.generateButton).toBeEnabled();
  await studio.generateButton.click();
  await expect(
    page.getByRole("alert").or(page.getByRole("status")).filter({ hasText: NEEDS_PROMPT }),
  ).toBeVisible({ timeout: 15_000 });
  await expect(page.getByRole("status").filter({ hasText: /Completed/ })).toHaveCount(0);

  // Next visit: the form knows, and says so before anything is paid for.
  await studio.goto();
  await studio.upload("First frame", "portrait.png");
  await studio.expectGenerateBlocked(NEEDS_PROMPT);
  await studio.setPrompt("The portrait turns towards the window and smiles");
  await studio.generate();
  await studio.expectCompleted();
});
