// Creating a project in Chromium, as the demo users (see signin.spec.ts).
import { expect, type Page, test } from "@playwright/test";

async function signInAt(page: Page, path: string, email: string) {
  await page.goto(path);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("Demo-pass-1");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("whoami")).toBeVisible();
}

test("a member creates a project and still sees it after a reload", async ({ page }) => {
  await signInAt(page, "/projects", "max@acme.test");
  await expect(page.locator("main[data-hydrated=true]")).toBeVisible();
  const name = `Launch pad ${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

  // Server-side validation speaks next to the form.
  await page.getByLabel("Name").fill("   ");
  await page.getByLabel("Name").evaluate((input: HTMLInputElement) => (input.required = false));
  await page.getByRole("button", { name: "Create project" }).click();
  await expect(page.getByRole("alert")).toHaveText("Name cannot be empty.");

  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Description").fill("From the end-to-end test");
  await page.getByRole("button", { name: "Create project" }).click();
  await expect(page.getByRole("status")).toHaveText(`Created “${name}”.`);
  await expect(page.getByTestId("project-list")).toContainText(name);

  await page.reload();
  await expect(page.getByTestId("project-list")).toContainText(name);
});

test("a read-only member sees no way to create a project", async ({ page }) => {
  await signInAt(page, "/projects", "rita@acme.test");
  await expect(page.getByTestId("project-list")).toContainText("Rocket skates");
  await expect(page.getByRole("button", { name: "Create project" })).toHaveCount(0);
  await expect(page.getByLabel("Name")).toHaveCount(0);
});

// Rocket skates, Acme's project in scripts/db/demo.sql.
const ACME_PROJECT = "/projects/5a1e0000-0000-4000-8000-00000000a001";

test("a project opens from the list, and is a 404 for another tenant", async ({ page, browser }) => {
  await signInAt(page, "/projects", "ada@acme.test");
  await page.getByRole("link", { name: "Rocket skates" }).click();
  await expect(page).toHaveURL(new RegExp(`${ACME_PROJECT}$`));
  await expect(page.getByRole("heading", { level: 1, name: "Rocket skates" })).toBeVisible();

  const globex = await browser.newContext();
  const other = await globex.newPage();
  await signInAt(other, "/projects", "bo@globex.test");
  const response = await other.goto(ACME_PROJECT);
  expect(response?.status()).toBe(404);
  await expect(other.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(other.getByText("Rocket skates")).toHaveCount(0);
  await globex.close();
});
