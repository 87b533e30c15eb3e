/** @type {import('next').NextConfig} */
const nextConfig = {
  // PGlite ships WASM and data files it loads from its own folder; keep it out of the bundle.
  serverExternalPackages: ["@electric-sql/pglite"],
  // Migrations and the demo gateway's sample videos are read from disk at run time.
  outputFileTracingIncludes: {
    "/**": ["./lib/db/migrations/**/*", "./lib/gateway/demo/assets/**/*"],
  },
  poweredByHeader: false,
  typedRoutes: false,
};

export default nextConfig;
