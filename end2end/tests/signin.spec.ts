// Sign-in through the Cognito stand-in's hosted UI, in Chromium, with the
// demo users and data that `make test` loads (`server seed --demo`, and
// cognito-local/test-users.toml for the users without access).
import { expect, type Page } from "@playwright/test";
import { enterCredentials, hydrated, signOut, test } from "./support";

async function signIn(page: Page, email: string) {
  await page.goto("/");
  await page.getByRole("link", { name: "Sign in" }).first().click();
  await enterCredentials(page, email);
  await expect(page.getByTestId("whoami")).toBeVisible();
}

test("a member of Acme sees Acme's projects and not Globex's", async ({ page }) => {
  await signIn(page, "ada@acme.test");
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByTestId("tenant-name")).toHaveText("Acme Corp");
  await expect(page.getByTestId("user-email")).toHaveText("ada@acme.test");
  await expect(page.getByTestId("user-role")).toHaveText("Admin");
  await expect(page.getByRole("heading", { name: "Your open tasks" })).toBeVisible();
  await page.getByRole("link", { name: "All projects" }).click();
  const projects = page.getByTestId("project-list");
  await expect(projects).toContainText("Rocket skates");
  await expect(projects).toContainText("Anvil redesign");
  await expect(page.getByText("Hammock district")).toHaveCount(0);
});

test("a member of Globex sees Globex's projects and not Acme's", async ({ page }) => {
  await signIn(page, "bo@globex.test");
  await expect(page.getByTestId("tenant-name")).toHaveText("Globex");
  // Globex's only project, and no test adds to Globex: it is the most recent.
  await expect(page.getByTestId("recent-projects")).toContainText("Hammock district");
  await page.getByRole("link", { name: "All projects" }).click();
  await expect(page.getByTestId("project-list")).toContainText("Hammock district");
  await expect(page.getByText("Rocket skates")).toHaveCount(0);
  await expect(page.getByText("Anvil redesign")).toHaveCount(0);
});

test("after signing out, signing in asks for credentials again", async ({ page }) => {
  await signIn(page, "max@acme.test");
  await hydrated(page);
  await signOut(page);
  await expect(page.getByRole("heading", { name: "Welcome" })).toBeVisible();
  await expect(page.getByTestId("whoami")).toHaveCount(0);

  // A signed-in page sends the browser back to sign in…
  await page.goto("/projects");
  // …and the hosted UI shows its form rather than signing in silently.
  await enterCredentials(page, "max@acme.test");
  await expect(page).toHaveURL(/\/projects$/);
  await expect(page.getByTestId("user-email")).toHaveText("max@acme.test");
});

test("a user without a tenant sees the no-access page", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("link", { name: "Sign in" }).first().click();
  await enterCredentials(page, "nina@nowhere.test");
  await expect(page.getByRole("heading", { name: "No access" })).toBeVisible();
  await expect(page.getByText("Rocket skates")).toHaveCount(0);
  await expect(page.getByText("Hammock district")).toHaveCount(0);
});

test("a user without a role sees the no-access page", async ({ page }) => {
  await page.goto("/auth/login");
  await enterCredentials(page, "gus@acme.test");
  await expect(page.getByRole("heading", { name: "No access" })).toBeVisible();
  await expect(page.getByText("Acme Corp")).toHaveCount(0);
});

test("a deep link while signed out returns there after sign-in", async ({ page }) => {
  await page.goto("/projects?page=1");
  await enterCredentials(page, "rita@acme.test");
  await expect(page).toHaveURL(/\/projects\?page=1$/);
  await expect(page.getByRole("heading", { name: "Projects" })).toBeVisible();
  await expect(page.getByTestId("project-list")).toContainText("Rocket skates");
  await expect(page.getByTestId("user-role")).toHaveText("ReadOnly");
});
