// Playwright drives Debian's Chromium (never a browser Playwright downloads)
// against a server that `make test` has already started: BASE_URL says where.
import { defineConfig, devices } from "@playwright/test";
import { chromium } from "./browser";

const baseURL = process.env.BASE_URL ?? "http://127.0.0.1:3000";

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 2,
  reporter: [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  projects: [
    { name: "chromium", use: { ...devices["Desktop Chrome"], launchOptions: chromium } },
    // A phone-sized viewport with touch: the layout must work there too.
    { name: "phone", use: { ...devices["Pixel 7"], launchOptions: chromium } },
  ],
});
