// Playwright drives Debian's Chromium (never a browser Playwright downloads)
// against a server that `make test` has already started: BASE_URL says where.
import { defineConfig, devices } from "@playwright/test";
import { chromium } from "./browser";

const baseURL = process.env.BASE_URL ?? "http://127.0.0.1:3000";

export default defineConfig({
  testDir: "./tests",
  // A test's budget: several of them sign in twice, each page of a fresh
  // browser context compiling the debug build's WASM on a busy machine.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 2,
  // The summary repeats each failure's error last, where a CI log's tail
  // shows it.
  reporter: [["list"], ["./failure-summary.ts"]],
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
