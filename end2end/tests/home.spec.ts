import { expect, test } from "@playwright/test";

test("the home page is server-rendered", async ({ page }) => {
  const response = await page.goto("/");
  expect(response?.status()).toBe(200);
  await expect(page.getByRole("heading", { level: 1, name: "Welcome" })).toBeVisible();
});

test("the counter works only once the WASM client has hydrated the page", async ({ page }) => {
  await page.goto("/");
  // Set by an effect, and effects run only in the browser after hydration.
  await expect(page.locator("[data-hydrated=true]")).toBeVisible();

  const counter = page.getByTestId("counter");
  await expect(counter).toHaveText("Clicked 0 times");
  await counter.click();
  await counter.click();
  await expect(counter).toHaveText("Clicked 2 times");
});

test("without JavaScript the page renders but does not hydrate", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/");

  const counter = page.getByTestId("counter");
  await expect(counter).toHaveText("Clicked 0 times");
  await counter.click();
  // Nothing to run the click: proof that the counting above came from WASM.
  await expect(counter).toHaveText("Clicked 0 times");
  await expect(page.locator("[data-hydrated=false]")).toHaveCount(1);
  await context.close();
});

test("an unknown address shows the not-found page with status 404", async ({ page }) => {
  const response = await page.goto("/no/such/page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await page.getByRole("link", { name: "Go to the home page" }).click();
  await expect(page).toHaveURL(/\/$/);
});
