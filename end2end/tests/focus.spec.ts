// Focus follows the work: after a create it is back in the form for the
// next entry, and a field the server refused gets it, with its message.
import { expect, test } from "@playwright/test";
import { hydrated, signInAt } from "./support";

test("after creating a project the focus is back in the form", async ({ page }) => {
  await signInAt(page, "/projects", "max@acme.test");
  await hydrated(page);
  const name = `Focus ${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create project" }).click();
  await expect(page.getByRole("link", { name })).toBeVisible();
  await expect(page.getByLabel("Name")).toBeFocused();
  await expect(page.getByLabel("Name")).toHaveValue("");
});

test("a field the server refuses gets the focus and its message", async ({ page }) => {
  await signInAt(page, "/projects", "max@acme.test");
  await hydrated(page);
  await page.getByLabel("Name").fill("Too long a story");
  // One character over the limit, set as a script would: maxlength only
  // stops typing.
  await page.getByLabel("Description").evaluate((el: HTMLTextAreaElement) => {
    el.value = "x".repeat(4001);
  });
  await page.getByRole("button", { name: "Create project" }).click();
  const description = page.getByLabel("Description");
  await expect(description).toBeFocused();
  await expect(description).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#project-description-error")).toContainText("4000");

  // Blank after trimming: the name is refused and focused next.
  await description.fill("");
  await page.getByLabel("Name").fill("   ");
  await page.getByRole("button", { name: "Create project" }).click();
  await expect(page.getByLabel("Name")).toBeFocused();
  await expect(page.getByLabel("Name")).toHaveAttribute("aria-invalid", "true");
});
