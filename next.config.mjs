/** @type {import('next').NextConfig} */
const nextConfig = {
  // PGlite ships WASM and data files it loads from its own folder; keep it out of the bundle.
  // ffmpeg-installer finds its binary through its platform package at run time.
  serverExternalPackages: ["@electric-sql/pglite", "@ffmpeg-installer/ffmpeg"],
  // Migrations and the demo gateway's sample videos are read from disk at run time.
  outputFileTracingIncludes: {
    "/**": [
      "./lib/db/migrations/**/*",
      "./lib/gateway/demo/assets/**/*",
      "./node_modules/@ffmpeg-installer/linux-x64/**/*",
    ],
  },
  poweredByHeader: false,
  // `npm test` type-checks with tsc before anything else; checking again inside every build
  // only doubled the build time.
  typescript: { ignoreBuildErrors: true },
  typedRoutes: false,
};

export default nextConfig;
