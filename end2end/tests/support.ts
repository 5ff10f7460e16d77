// What the end-to-end tests share: where the Cognito stand-in is, signing in
// through its hosted UI, waiting for hydration, and its admin API.
import { expect, type Page } from "@playwright/test";

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

/// Waits until the page has hydrated: before that, a click on a form's
/// button is a plain form post.
export async function hydrated(page: Page) {
  await expect(page.locator("main[data-hydrated=true]")).toBeVisible();
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
  if (await menu.isVisible()) await menu.click();
  await page.getByRole("button", { name: "Sign out" }).click();
}
