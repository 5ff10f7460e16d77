// `make screenshots` (scripts/screenshots.sh): the pages in shots/, at the
// two sizes people were watched using, one worker so the demo data grows
// in a known order.
import { defineConfig } from "@playwright/test";
import { chromium } from "./browser";

export default defineConfig({
  testDir: "./shots",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: { baseURL: process.env.BASE_URL ?? "http://127.0.0.1:3000", launchOptions: chromium },
  projects: [
    { name: "desktop", use: { viewport: { width: 1280, height: 800 } } },
    {
      name: "phone",
      use: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
    },
  ],
});
