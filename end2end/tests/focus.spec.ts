// Focus follows the work: "New project" opens a dialog and gives the focus
// back when closed; a new project opens with the focus in its quick-add;
// a field the server refused gets the focus, with its message.
import { expect } from "@playwright/test";
import { hydrated, openNewProject, signInAt, test } from "./support";

test("a new project opens with the focus in its quick-add", async ({ page }) => {
  await signInAt(page, "/projects", "max@acme.test");
  await hydrated(page);
  const name = `Focus ${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  await openNewProject(page);
  // A modal dialog, with the focus in its first field.
  const dialog = page.getByRole("dialog", { name: "New project" });
  await expect(dialog.getByLabel("Name")).toBeFocused();
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByRole("button", { name: "Create project" }).click();
  // The toast first: it lasts five seconds, the page may load for longer.
  await expect(page.getByTestId("toast").filter({ hasText: `Created “${name}”.` })).toBeVisible();
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
  await expect(page).toHaveURL(/\/projects\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("form", { name: "New task" }).getByLabel("Title")).toBeFocused();
});

test("Escape closes the dialog and the focus goes back to New project", async ({ page }) => {
  await signInAt(page, "/projects", "max@acme.test");
  await hydrated(page);
  await openNewProject(page);
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog")).toHaveCount(0);
  await expect(page.getByRole("link", { name: "New project" })).toBeFocused();
  await expect(page).toHaveURL(/\/projects$/);
});

test("a field the server refuses gets the focus and its message", async ({ page }) => {
  await signInAt(page, "/projects", "max@acme.test");
  await hydrated(page);
  await openNewProject(page);
  const form = page.getByRole("form", { name: "New project" });
  await form.getByLabel("Name").fill("Too long a story");
  // One character over the limit, set as a script would: maxlength only
  // stops typing.
  await form.getByLabel("Description").evaluate((el: HTMLTextAreaElement) => {
    el.value = "x".repeat(4001);
  });
  await form.getByRole("button", { name: "Create project" }).click();
  const description = form.getByLabel("Description");
  await expect(description).toBeFocused();
  await expect(description).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#project-description-error")).toContainText("4000");

  // Blank after trimming: the name is refused and focused next.
  await description.fill("");
  await form.getByLabel("Name").fill("   ");
  await form.getByRole("button", { name: "Create project" }).click();
  await expect(form.getByLabel("Name")).toBeFocused();
  await expect(form.getByLabel("Name")).toHaveAttribute("aria-invalid", "true");
});
