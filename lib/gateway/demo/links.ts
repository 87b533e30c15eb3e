import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * The result link a read gives as `metadata.url`: like the provider's own signed link, it
 * needs no key (whoever holds it may download, as the client's fallback does) and expires
 * (DEMO_CONTENT_TTL_MS after completion). `<root>/files/<id>?expires=<unix s>&signature=<hex>`,
 * an HMAC over id and expiry with a secret derived from the gateway's key, so the key itself
 * never appears in a link.
 */

export type LinkCheck = "ok" | "expired" | "forged";

export interface ResultLinks {
  url(root: string, id: string, expiresAt: Date): string;
  check(id: string, params: URLSearchParams, now: Date): LinkCheck;
}

export function resultLinks(apiKey: string): ResultLinks {
  const secret = createHmac("sha256", apiKey).update("demo gateway result links").digest();
  const sign = (id: string, expires: string) =>
    createHmac("sha256", secret).update(`${id}\n${expires}`).digest("hex");

  return {
    url(root, id, expiresAt) {
      const expires = String(Math.floor(expiresAt.getTime() / 1000));
      const query = new URLSearchParams({ expires, signature: sign(id, expires) });
      return `${root}/files/${encodeURIComponent(id)}?${query}`;
    },
    check(id, params, now) {
      const expires = params.get("expires") ?? "";
      const given = Buffer.from(params.get("signature") ?? "", "hex");
      const wanted = Buffer.from(sign(id, expires), "hex");
      if (!/^\d+$/.test(expires) || given.length !== wanted.length) return "forged";
      if (!timingSafeEqual(given, wanted)) return "forged";
      return now.getTime() > Number(expires) * 1000 ? "expired" : "ok";
    },
  };
}
