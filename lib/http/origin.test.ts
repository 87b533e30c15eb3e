import { describe, expect, it } from "vitest";
import { originOf } from "./origin";

describe("originOf", () => {
  it("uses the Host header, http on loopback", () => {
    expect(originOf(new Headers({ host: "127.0.0.1:3000" }))).toBe("http://127.0.0.1:3000");
    expect(originOf(new Headers({ host: "localhost:3210" }))).toBe("http://localhost:3210");
  });

  it("assumes https for a public host", () => {
    expect(originOf(new Headers({ host: "studio.example.com" }))).toBe(
      "https://studio.example.com",
    );
  });

  it("prefers the proxy's forwarded host and protocol, first value only", () => {
    const headers = new Headers({
      host: "internal:3000",
      "x-forwarded-host": "studio.example.com, proxy.local",
      "x-forwarded-proto": "https, http",
    });
    expect(originOf(headers)).toBe("https://studio.example.com");
  });
});
