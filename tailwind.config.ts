import type { Config } from "tailwindcss";

// Tailwind 4 reads this file because app/globals.css names it with `@config`.
// The theme lives here so designers have one place to change colours and fonts.
const config: Config = {
  content: ["./app/**/*.{ts,tsx}", "./components/**/*.{ts,tsx}"],
  theme: {
    extend: {
      colors: {
        ink: { DEFAULT: "#16161d", soft: "#4a4a57", faint: "#676775" },
        paper: { DEFAULT: "#fafaf7", raised: "#ffffff", sunk: "#f0efe9" },
        accent: { DEFAULT: "#5b3df5", strong: "#4326d9", soft: "#ece8ff" },
        danger: { DEFAULT: "#b42318", soft: "#fef3f2" },
        success: { DEFAULT: "#067647", soft: "#ecfdf3" },
        warning: { DEFAULT: "#b54708", soft: "#fffaeb" },
      },
      fontFamily: {
        // The platform's own UI font (San Francisco, Segoe UI, Roboto, Cantarell…). system-ui
        // first: each family named before the one a browser has is a font lookup before the
        // first paint (Chromium on Linux has no ui-sans-serif, and the lookup showed in the
        // page bench).
        sans: ["system-ui", "sans-serif"],
        mono: ["ui-monospace", "SFMono-Regular", "Menlo", "monospace"],
      },
    },
  },
};

export default config;
