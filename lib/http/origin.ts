/**
 * The origin a request reached us at, as the browser saw it (Vercel and most proxies set
 * x-forwarded-*). In demo mode the server calls its own demo gateway there, and it is the
 * default base of the media URLs handed to the gateway (PUBLIC_BASE_URL overrides it).
 */
export function originOf(headers: Headers): string {
  const host = headers.get("x-forwarded-host") ?? headers.get("host") ?? "127.0.0.1:3000";
  const local = /^(127\.|localhost|\[::1\])/.test(host);
  const proto = headers.get("x-forwarded-proto") ?? (local ? "http" : "https");
  return `${proto.split(",")[0].trim()}://${host.split(",")[0].trim()}`;
}
