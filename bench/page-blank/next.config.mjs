/** @type {import('next').NextConfig} */
// Next's defaults, as a fresh `create-next-app` has them; next and react resolve from the
// project's node_modules (two folders up), so the versions are the project's.
const nextConfig = {};

export default nextConfig;
