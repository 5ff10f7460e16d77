// API keys in Chromium: an Admin makes a key on /settings/api-keys, copies
// its secret (shown once), and a request with it from the test lists the
// tenant's projects; after "Revoke" the same request is 401. The same
// without JavaScript (a plain form post, the secret on the page it returns
// to). Also: a blank or taken name is refused next to its field, and a
// SuperUser gets no keys page.
import { randomUUID } from "node:crypto";
import { expect, type Page } from "@playwright/test";
import { hydrated, signInAt, test } from "./support";

/// Calls the JSON API from the test (not the browser) with a bearer key.
async function listProjects(baseURL: string, key: string) {
  return fetch(new URL("/api/v1/projects?archived=true", baseURL), {
    headers: { authorization: `Bearer ${key}` },
  });
}

/// Makes a key on the page; returns the secret the page shows once.
async function createKey(page: Page, name: string, role: "ReadOnly" | "Member"): Promise<string> {
  const form = page.getByRole("form", { name: "New API key" });
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Role").selectOption(role);
  await form.getByRole("button", { name: "Create key" }).click();
  await expect(page.getByTestId("toast").filter({ hasText: `Created the API key “${name}”.` })).toBeVisible();
  const secret = page.getByTestId("new-key-secret");
  await expect(secret).toHaveValue(/^saas_/);
  return secret.inputValue();
}

test("an Admin makes a key, a request with it lists the projects, and a revoke stops it", async ({
  page,
  baseURL,
}) => {
  const name = `Warehouse ${randomUUID().slice(0, 8)}`;
  await signInAt(page, "/settings/api-keys", "ada@acme.test");
  await expect(page).toHaveTitle(/API keys/);
  await hydrated(page);

  await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  const shown = await createKey(page, name, "ReadOnly");
  // The focus is on the new secret, and Copy puts it on the clipboard.
  await expect(page.getByTestId("new-key-secret")).toBeFocused();
  await page.getByTestId("new-key").getByRole("button", { name: "Copy" }).click();
  await expect(page.getByTestId("toast").filter({ hasText: "Copied the key." })).toBeVisible();
  const key = await page.evaluate(() => navigator.clipboard.readText());
  expect(key).toBe(shown);
  // The list shows the key's prefix, never its secret.
  const row = page.getByTestId("key").filter({ hasText: name });
  await expect(row).toContainText(key.slice(0, 13));
  await expect(row).toContainText("ReadOnly");
  await expect(page.getByTestId("key-list")).not.toContainText(key);

  const listed = await listProjects(baseURL!, key);
  expect(listed.status).toBe(200);
  const body = await listed.json();
  const names = body.items.map((p: { name: string }) => p.name);
  expect(names).toContain("Rocket skates");
  expect(names).not.toContain("Hammock district");

  // The secret is shown once: a reload shows the list only.
  await page.reload();
  await hydrated(page);
  await expect(page.getByTestId("new-key-secret")).toHaveCount(0);
  // The request just made shows as the key's last use.
  await expect(row.locator('td[data-label="Last used"]')).not.toHaveText("Never");

  await row.getByText("Revoke…").click();
  await row.getByRole("button", { name: "Revoke key" }).click();
  await expect(page.getByTestId("toast").filter({ hasText: `Revoked the API key “${name}”.` })).toBeVisible();
  await expect(row).toContainText("Revoked");
  await expect(row.getByText("Revoke…")).toHaveCount(0);

  const refused = await listProjects(baseURL!, key);
  expect(refused.status).toBe(401);
  expect(refused.headers.get("content-type")).toBe("application/problem+json");
});

test("a blank or taken name is refused next to its field, and nothing is made", async ({ page }) => {
  const name = `Sync ${randomUUID().slice(0, 8)}`;
  await signInAt(page, "/settings/api-keys", "ada@acme.test");
  await hydrated(page);
  await createKey(page, name, "Member");
  const form = page.getByRole("form", { name: "New API key" });
  const field = form.getByLabel("Name");

  for (const [typed, message] of [
    [name.toUpperCase(), "A live key has this name already"],
    ["   ", "Name"],
  ]) {
    await field.fill(typed);
    await form.getByRole("button", { name: "Create key" }).click();
    await expect(page.locator("#key-name-error")).toContainText(message);
    await expect(field).toBeFocused();
  }
  // Other tests make keys in this tenant at the same time: look for ours.
  await expect(page.locator(`[data-testid=key][data-name="${name}"]`)).toHaveCount(1);
  await expect(page.locator(`[data-testid=key][data-name="${name.toUpperCase()}"]`)).toHaveCount(0);
  await expect(page.getByTestId("new-key")).toHaveCount(0);
});

test("a SuperUser gets the 403 page at /settings/api-keys and no tab for it", async ({ page }) => {
  await signInAt(page, "/settings/api-keys", "sue@acme.test");
  await expect(page.getByRole("heading", { level: 1, name: "Not allowed" })).toBeVisible();
  await page.goto("/settings");
  await expect(page.getByRole("navigation", { name: "Settings sections" })).toBeVisible();
  await expect(page.getByRole("link", { name: "API keys" })).toHaveCount(0);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("an Admin makes a key with a plain form post, and the page it returns to shows it once", async ({
    page,
    baseURL,
  }) => {
    const name = `Plain ${randomUUID().slice(0, 8)}`;
    await signInAt(page, "/settings/api-keys", "ada@acme.test");
    await expect(page).toHaveTitle(/API keys/);
    const form = page.getByRole("form", { name: "New API key" });
    await form.getByLabel("Name").fill(name);
    await form.getByLabel("Role").selectOption("ReadOnly");
    await form.getByRole("button", { name: "Create key" }).click();

    await expect(page.getByTestId("toast").filter({ hasText: `Created the API key “${name}”.` })).toBeVisible();
    const secret = page.getByTestId("new-key-secret");
    await expect(secret).toHaveValue(/^saas_/);
    // The field has the focus (no script moves it: the page asks for it),
    // and there is no Copy button that would do nothing.
    await expect(secret).toBeFocused();
    await expect(page.getByTestId("new-key").getByRole("button")).toHaveCount(0);
    const key = await secret.inputValue();
    expect((await listProjects(baseURL!, key)).status).toBe(200);
    const row = page.locator(`[data-testid=key][data-name="${name}"]`);
    await expect(row).toContainText(key.slice(0, 13));

    // Shown once.
    await page.reload();
    await expect(page.getByTestId("new-key-secret")).toHaveCount(0);
    await expect(row).toHaveCount(1);
  });
});
