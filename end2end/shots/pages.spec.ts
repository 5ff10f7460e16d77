// The main pages as each kind of user sees them, saved as
// <SCREENSHOT_DIR>/<page>-<size>.png. The project page is shown with tasks
// in every state, a task's menu open and a toast showing.
import { expect, type Page, test } from "@playwright/test";
import { createProject, hydrated, openNewProject, signInAt } from "../tests/support";

const dir = process.env.SCREENSHOT_DIR ?? "../target/screenshots";

async function shoot(page: Page, name: string, size: string) {
  // No caret and no half-finished animation in the pictures.
  await page.screenshot({ path: `${dir}/${name}-${size}.png`, fullPage: true, caret: "hide", animations: "disabled" });
}

async function open(page: Page, path: string) {
  await page.goto(path);
  await hydrated(page);
}

test("pages", async ({ page, browser }, info) => {
  const size = info.project.name;
  await open(page, "/");
  await shoot(page, "01-signed-out", size);

  await signInAt(page, "/projects", "ada@acme.test");
  await hydrated(page);

  // A project with tasks in every state, made through the page itself.
  const project = `Launch pad (${size})`;
  await createProject(page, project, "Everything for the first launch");
  await hydrated(page);
  const quickAdd = page.getByRole("form", { name: "New task" }).getByLabel("Title");
  for (const title of ["Order the gantry", "Book the range", "Fuel test", "Write the checklist"]) {
    await quickAdd.fill(title);
    await quickAdd.press("Enter");
    await expect(page.getByRole("checkbox", { name: title })).toBeVisible();
    await hydrated(page);
  }
  for (const [title, who] of [
    ["Order the gantry", "Max Member"],
    ["Book the range", "Sue Super"],
  ]) {
    await page.getByLabel(`Assignee of “${title}”`).selectOption({ label: who });
    // Saved once its toast says so.
    await expect(page.getByTestId("toast").filter({ hasText: `Assigned “${title}”.` })).toHaveCount(1);
  }
  await page.getByRole("checkbox", { name: "Fuel test" }).click();
  await expect(page.getByRole("checkbox", { name: "Fuel test" })).toBeChecked();
  await shoot(page, "04-project-toast", size);
  await page.getByLabel("More for “Write the checklist”").click();
  await shoot(page, "05-project-task-menu", size);
  // Once the toasts have gone.
  await open(page, page.url());
  await shoot(page, "03-project", size);

  await open(page, "/");
  await shoot(page, "02-home", size);
  await open(page, "/projects");
  await shoot(page, "06-projects", size);
  await openNewProject(page);
  await shoot(page, "06b-new-project-dialog", size);
  await open(page, "/settings");
  await shoot(page, "07-settings-members", size);
  await open(page, "/settings/profile");
  await shoot(page, "08-settings-profile", size);
  await open(page, "/settings/organisation");
  await page.getByRole("navigation", { name: "Units" }).getByRole("link", { name: "Engineering" }).click();
  await expect(page.getByRole("heading", { level: 3, name: "Engineering" })).toBeVisible();
  await shoot(page, "08b-settings-organisation", size);
  await open(page, "/settings/audit");
  await shoot(page, "09-settings-audit", size);
  await open(page, "/settings/api-keys");
  const keyForm = page.getByRole("form", { name: "New API key" });
  await keyForm.getByLabel("Name").fill(`Warehouse sync (${size})`);
  await keyForm.getByRole("button", { name: "Create key" }).click();
  await expect(page.getByTestId("new-key-secret")).toHaveValue(/^saas_/);
  await shoot(page, "09b-settings-api-keys", size);
  await open(page, "/no-such-page");
  await shoot(page, "10-not-found", size);

  // A ReadOnly member: the same project without controls, and a refusal.
  const reader = await browser.newPage({ viewport: page.viewportSize()! });
  await signInAt(reader, "/projects", "rita@acme.test");
  await hydrated(reader);
  await reader.getByRole("link", { name: project }).click();
  await expect(reader.getByRole("heading", { level: 1, name: project })).toBeVisible();
  await shoot(reader, "11-project-read-only", size);
  await open(reader, "/settings");
  await shoot(reader, "12-forbidden", size);
  await reader.close();
});
