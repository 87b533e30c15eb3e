import { SLACK_WEBHOOK_HOST } from "@/lib/env";
import { formatPin } from "@/lib/review/rules";
import { type CommentAddedData, clip, detail, headline, type WebhookEvent } from "./events";

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
  if (event.type === "comment_added") return slackComment(event.data);
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

/**
 * A comment in Slack: who commented on which video (linked to the studio's page, where the
 * team replies), the comment quoted, and where it is pinned, the share link it came through
 * and the poster frame when there are.
 */
function slackComment(data: CommentAddedData): { text: string; blocks: unknown[] } {
  const text = headline({ id: "", type: "comment_added", timestamp: "", data });
  const target = data.links.task ?? data.links.takeSet ?? data.links.share;
  const title = target ? `*<${target}|${escapeMrkdwn(text)}>*` : `*${escapeMrkdwn(text)}*`;
  const quoted = escapeMrkdwn(data.comment.text)
    .split("\n")
    .map((line) => `>${line}`)
    .join("\n");
  const blocks: unknown[] = [
    { type: "section", text: { type: "mrkdwn", text: clip(title, 2900) } },
    { type: "section", text: { type: "mrkdwn", text: clip(quoted, 2900) } },
  ];
  if (data.links.poster) {
    blocks.push({ type: "image", image_url: data.links.poster, alt_text: clip(text, 1900) });
  }
  const facts = [
    data.comment.atSeconds !== null
      ? `at ${formatPin(data.comment.atSeconds)}`
      : data.target.kind === "take_set"
        ? "on the take set"
        : "about the whole video",
    data.author.viaShareLink ? "left through a share link" : null,
    data.links.share ? `<${data.links.share}|share link>` : null,
  ].filter(Boolean);
  blocks.push({
    type: "context",
    elements: [{ type: "mrkdwn", text: clip(facts.join(" · "), 2900) }],
  });
  return { text: `${text}: ${clip(data.comment.text, 200)}`, blocks };
}
