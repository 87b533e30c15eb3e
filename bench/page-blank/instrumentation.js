// Empty on purpose. Next 16.4's Turbopack, building an app in a subfolder of the lockfile's
// folder, takes the parent's instrumentation.ts when the app has none, and wan-studio's would
// pull ffmpeg into the blank app's build.
export function register() {}
