// How Playwright launches Debian's Chromium (never a browser Playwright
// downloads), shared by the test and the screenshot configurations.
export const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    // Without these Chromium keeps dialling out, and this machine's closed
    // network refuses every attempt.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
};
