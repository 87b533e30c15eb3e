// The blank Next.js app the page bench measures wan-studio against: a root layout and one
// page, nothing else (no CSS, no providers, no proxy). Built and started by bench/page.bench.mjs.
export const metadata = { title: "blank" };

export default function RootLayout({ children }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
