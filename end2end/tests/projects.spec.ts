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
