"use server";

import { redirect } from "next/navigation";
import { after } from "next/server";
import { z } from "zod";
import { requireUser } from "@/lib/auth/session";
import { sendAgain } from "@/lib/notify/admin";
import { deliverSoon } from "@/lib/notify/deliver";
import { logEvent } from "@/lib/tasks/log";

const sendAgainSchema = z.object({
  eventId: z.string().regex(/^evt_[0-9a-f]{32}$/),
  key: z.string().regex(/^[0-9a-f]{16}$/),
});

/**
 * An admin's "Send again" on the webhooks page: the delivery is due now, with a fresh day of
 * retries, and goes after the answer. Anyone else is refused (actions are reachable by anyone).
 */
export async function sendWebhookAgain(form: FormData): Promise<void> {
  const user = await requireUser();
  if (!user.isAdmin) redirect("/admin/webhooks?result=refused");
  const parsed = sendAgainSchema.safeParse({ eventId: form.get("eventId"), key: form.get("key") });
  const queued = parsed.success && (await sendAgain(parsed.data.eventId, parsed.data.key));
  if (queued) {
    logEvent("webhook.send_again", { eventId: parsed.data.eventId, by: user.id });
    after(() => deliverSoon());
  }
  // `sent` tells one answer from the next, so the page's note takes the focus each time.
  redirect(`/admin/webhooks?result=${queued ? "queued" : "busy"}&sent=${Date.now().toString(36)}`);
}
