import { SLACK_WEBHOOK_HOST } from "@/lib/env";
import { clip, detail, headline, type WebhookEvent } from "./events";

/** True for a Slack incoming-webhook URL: it takes Slack's `{text, blocks}`, not our event. */
export function isSlackUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" && parsed.hostname === SLACK_WEBHOOK_HOST;
  } catch {
    return false;
  }
}

/** Slack's mrkdwn treats &, < and > as markup: escape them in anything a member wrote. */
function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * The Slack message for an event: `text` (the notification's fallback) and Block Kit blocks —
 * the headline with a link to the video, the poster frame when there is one, and who made it
 * with which settings.
 */
export function slackMessage(event: WebhookEvent): { text: string; blocks: unknown[] } {
  const text = headline(event);
  const links = event.data.links;
  const target = links.share ?? links.task ?? links.sequence;
  const title = target ? `*<${target}|${escapeMrkdwn(text)}>*` : `*${escapeMrkdwn(text)}*`;
  const blocks: unknown[] = [
    { type: "section", text: { type: "mrkdwn", text: clip(title, 2900) } },
  ];
  if (links.poster) {
    blocks.push({ type: "image", image_url: links.poster, alt_text: clip(text, 1900) });
  }
  const maker = event.data.maker.name ?? event.data.maker.id;
  blocks.push({
    type: "context",
    elements: [{ type: "mrkdwn", text: escapeMrkdwn(clip(`${maker} · ${detail(event)}`, 2900)) }],
  });
  return { text, blocks };
}
