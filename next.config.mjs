/** @type {import('next').NextConfig} */
const ffmpeg = ["./node_modules/@ffmpeg-installer/**/*"];

const nextConfig = {
  // PGlite ships WASM and data files it loads from its own folder; keep it out of the bundle.
  serverExternalPackages: ["@electric-sql/pglite"],
  // Migrations and the demo gateway's sample videos are read from disk at run time.
  outputFileTracingIncludes: {
    "/**": ["./lib/db/migrations/**/*", "./lib/gateway/demo/assets/**/*"],
    // Posters of kept results (the status route's after(), the cron sweep), frames and cuts for
    // a new video (the task page's actions), the demo gateway's renders (started at create,
    // restarted by a read after a restart).
    "/api/tasks/*/route": ffmpeg,
    "/api/cron/sweep/route": ffmpeg,
    // Background jobs (lib/jobs) started after a Continue or an export, or by a poll of one.
    "/api/jobs/*/route": ffmpeg,
    "/api/sequences/*/export/route": ffmpeg,
    "/sequences/*/page": ffmpeg,
    "/videos/*/page": ffmpeg,
    "/api/demo-gateway/v1/videos/route": ffmpeg,
    "/api/demo-gateway/v1/videos/*/route": ffmpeg,
    "/api/demo-gateway/v1/videos/*/content/route": ffmpeg,
  },
  poweredByHeader: false,
  experimental: {
    // The stylesheet (Tailwind, ~25 kB, 5.7 kB gzip) goes inside the HTML as a <style>: a
    // first visit paints without waiting for a render-blocking CSS request. The CSP already
    // allows inline styles (lib/security/csp.ts). Next 16.4 also puts it twice into the RSC
    // payload (75 kB of the page's 104 kB of HTML); a linked stylesheet was still slower to
    // paint in the page bench (median FCP of / 772 vs 652 ms, 25 loads each, interleaved).
    inlineCss: true,
  },
  // Only for `npm run bench -- js` breakdowns (BENCH_SOURCE_MAPS=1 npm run build): maps each
  // browser chunk's bytes back to its modules. Never on in a normal build.
  productionBrowserSourceMaps: process.env.BENCH_SOURCE_MAPS === "1",
  // Headers for every answer; the per-request CSP of pages is set in proxy.ts.
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
        ],
      },
      // Share-link pages and their video: public, so never indexed, and the token in their
      // address is never sent on to another site as a referrer.
      {
        source: "/s/:path*",
        headers: [
          { key: "X-Robots-Tag", value: "noindex, nofollow" },
          { key: "Referrer-Policy", value: "no-referrer" },
        ],
      },
    ];
  },
  // `npm test` type-checks with tsc before anything else; checking again inside every build
  // only doubled the build time.
  typescript: { ignoreBuildErrors: true },
  typedRoutes: false,
};

export default nextConfig;
