// What the end-to-end tests share: `test` (Playwright's, recording what the
// browser reports as errors), where the Cognito stand-in is, signing in
// through its hosted UI, waiting for hydration, and its admin API.
import { test as base, expect, type Page } from "@playwright/test";

/// Every demo user's password (`server seed --demo`).
export const DEMO_PASSWORD = "Demo-pass-1";
/// The stand-in and its pool, as `make test` starts them.
export const cognito = process.env.COGNITO_URL ?? "http://127.0.0.1:9229";
export const poolId = process.env.COGNITO_POOL_ID ?? "";
export const clientId = process.env.COGNITO_CLIENT_ID ?? "";

/// Fills in the hosted UI's sign-in form, which the browser must be showing.
export async function enterCredentials(page: Page, email: string, password = DEMO_PASSWORD) {
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/// Opens `path` while signed out (which leads to the hosted UI) and signs in.
export async function signInAt(page: Page, path: string, email: string, password = DEMO_PASSWORD) {
  await page.goto(path);
  await enterCredentials(page, email, password);
}

/// Playwright's `test`: each test's page records the browser's errors from
/// its first request on, for `hydrated` to report.
export const test = base.extend<{ browserErrors: string[] }>({
  browserErrors: [async ({ page }, use) => use(browserErrors(page)), { auto: true }],
});

const errorsByPage = new WeakMap<Page, string[]>();

/// What the browser has reported as errors on `page` (console errors and
/// uncaught exceptions, such as a panic in the WASM), from the first call
/// on: the fixture's for a test's own page, else `hydrated`'s.
function browserErrors(page: Page): string[] {
  let errors = errorsByPage.get(page);
  if (!errors) {
    const seen: string[] = [];
    const where = () => page.url().split("?")[0];
    page.on("console", (m) => {
      if (m.type() === "error") seen.push(`${where()}: console: ${m.text().slice(0, 500)}`);
    });
    page.on("pageerror", (e) => seen.push(`${where()}: uncaught: ${e.message.slice(0, 500)}`));
    errorsByPage.set(page, seen);
    errors = seen;
  }
  return errors;
}

/// Waits until the page has hydrated: before that, a click on a form's
/// button is a plain form post. A page that does not hydrate fails with
/// what the browser reported, which is where a panic in the WASM shows.
export async function hydrated(page: Page) {
  const errors = browserErrors(page);
  // Longer than other waits: a fresh browser context fetches and compiles
  // the (debug build's large) WASM before anything hydrates, which on a
  // busy two-core machine has taken over 10 s.
  const timeout = 20_000;
  try {
    // The page itself first (after a sign-in, the redirects and the token
    // exchange), so that only the WASM's fetch and start use the budget.
    await expect(page.locator("main[data-hydrated]")).toBeAttached({ timeout });
    await expect(page.locator("main[data-hydrated=true]")).toBeVisible({ timeout });
  } catch (error) {
    const state = await page
      .evaluate(() => `document ${document.readyState}, <main data-hydrated=${document.querySelector("main")?.dataset.hydrated}>`)
      .catch((e) => `the page could not be read: ${e}`);
    const said = errors.slice(-5).join("\n  ") || "nothing";
    throw new Error(
      `${page.url()} did not hydrate in ${timeout / 1000} s (${state}); the browser's last errors:\n  ${said}`,
      { cause: error },
    );
  }
}

/// The stand-in's admin API (Cognito's JSON protocol), as an operator's
/// script would call it.
export async function adminApi(operation: string, body: object): Promise<any> {
  const response = await fetch(cognito, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": `AWSCognitoIdentityProviderService.${operation}`,
    },
    body: JSON.stringify({ UserPoolId: poolId, ...body }),
  });
  const json = await response.json();
  expect(response.status, `${operation}: ${JSON.stringify(json)}`).toBe(200);
  return json;
}

/// Opens "New project" (the dialog with JavaScript, its page without) on
/// the project list the browser shows.
export async function openNewProject(page: Page) {
  await page.getByRole("link", { name: "New project" }).click();
  await expect(page.getByRole("form", { name: "New project" })).toBeVisible();
}

/// Creates a project from the project list, which lands in it.
export async function createProject(page: Page, name: string, description = "") {
  await openNewProject(page);
  const form = page.getByRole("form", { name: "New project" });
  await form.getByLabel("Name").fill(name);
  if (description) await form.getByLabel("Description").fill(description);
  await form.getByRole("button", { name: "Create project" }).click();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
}

/// Signs out from the header, opening the phone's account menu first
/// when the header has folded into one.
export async function signOut(page: Page) {
  const menu = page.getByTestId("whoami").getByRole("button", { expanded: false });
  // The menu button can appear (its effect runs after hydration) between a
  // look and a click, folding Sign out away: look again until a click lands.
  await expect(async () => {
    if (await menu.isVisible()) await menu.click({ timeout: 2_000 });
    await page.getByRole("button", { name: "Sign out" }).click({ timeout: 2_000 });
  }).toPass({ timeout: 20_000 });
}
