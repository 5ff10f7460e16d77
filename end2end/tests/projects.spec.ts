// The workspace in Chromium, as the demo users (see signin.spec.ts): every
// flow runs twice, with JavaScript (hydrated, forms sent by fetch) and
// without it (plain form posts, each answered with a redirect back).
import { expect, type Locator, type Page } from "@playwright/test";
import { createProject, hydrated, openNewProject, signInAt as signIn, test } from "./support";

/// Opens Acme's demo project "Rocket skates" from the list; returns its path.
async function openRocketSkates(page: Page): Promise<string> {
  await page.goto("/projects?q=Rocket+skates");
  await page.getByRole("link", { name: "Rocket skates" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Rocket skates" })).toBeVisible();
  // The address bar follows the client-side navigation a moment later.
  await expect(page).toHaveURL(/\/projects\/[0-9a-f-]{36}$/);
  return new URL(page.url()).pathname;
}

async function signInAt(page: Page, path: string, email: string, js: boolean) {
  await signIn(page, path, email);
  await expect(page.getByTestId("whoami")).toBeVisible();
  await settled(page, js);
}

/// With JavaScript, waits until the page has hydrated (before that a click
/// would be a plain form post).
async function settled(page: Page, js: boolean) {
  if (js) {
    await hydrated(page);
  }
}

/// A name no other test (or the other viewport's run) uses.
function unique(prefix: string): string {
  return `${prefix} ${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
}

function task(page: Page, title: string): Locator {
  return page.getByTestId("task").filter({ hasText: title });
}

/// The member a task's picker shows as chosen.
function assignee(page: Page, title: string): Locator {
  return task(page, title).getByLabel(`Assignee of “${title}”`).locator("option:checked");
}

for (const js of [true, false]) {
  test.describe(js ? "with JavaScript" : "without JavaScript", () => {
    test.use({ javaScriptEnabled: js });

    test("a member creates a project, adds and completes tasks, and sees them after a reload", async ({
      page,
    }) => {
      await signInAt(page, "/projects", "max@acme.test", js);
      const name = unique("Launch pad");

      // Server-side validation speaks next to the field (in the dialog with
      // JavaScript, on /projects/new without).
      await openNewProject(page);
      const form = page.getByRole("form", { name: "New project" });
      const nameField = form.getByLabel("Name", { exact: true });
      await nameField.fill("   ");
      await nameField.evaluate((input: HTMLInputElement) => (input.required = false));
      await form.getByRole("button", { name: "Create project" }).click();
      await expect(page.locator("#project-name-error")).toHaveText("Name cannot be empty.");
      await expect(form.getByLabel("Name", { exact: true })).toHaveAttribute("aria-invalid", "true");
      await settled(page, js);

      // Created, it opens.
      await form.getByLabel("Name", { exact: true }).fill(name);
      await form.getByLabel("Description").fill("From the end-to-end test");
      await form.getByRole("button", { name: "Create project" }).click();
      // The toast first: it lasts five seconds from the answer, while the
      // project page may take longer than that to load on a busy machine.
      if (js) {
        await expect(page.getByTestId("toast")).toContainText(`Created “${name}”.`);
      }
      await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
      await settled(page, js);
      await expect(page.getByText("No tasks yet.")).toBeVisible();

      const newTask = page.getByRole("form", { name: "New task" });
      for (const title of ["Buy wheels", "Paint the deck"]) {
        await newTask.getByLabel("Title").fill(title);
        await newTask.getByRole("button", { name: "Add task" }).click();
        await expect(task(page, title)).toHaveCount(1);
        await settled(page, js);
      }
      // An empty title is refused, with the message next to the field.
      await newTask.getByLabel("Title").evaluate((input: HTMLInputElement) => (input.required = false));
      await newTask.getByRole("button", { name: "Add task" }).click();
      await expect(page.locator("#task-title-error")).toHaveText("Title cannot be empty.");
      await settled(page, js);

      await task(page, "Buy wheels").getByRole("checkbox", { name: "Buy wheels" }).click();
      await expect(task(page, "Buy wheels")).toHaveAttribute("data-done", "true");
      await settled(page, js);
      await task(page, "Paint the deck").getByLabel("Assignee of “Paint the deck”").selectOption({
        label: "Max Member",
      });
      if (js) {
        // The choice saves by itself: there is no button to press.
        await expect(task(page, "Paint the deck").getByRole("button", { name: "Assign" })).toHaveCount(0);
        await expect(page.getByTestId("toast").filter({ hasText: "Assigned “Paint the deck”." })).toHaveCount(1);
      } else {
        await task(page, "Paint the deck").getByRole("button", { name: "Assign" }).click();
      }
      await expect(assignee(page, "Paint the deck")).toHaveText("Max Member");

      await page.reload();
      await expect(page.getByTestId("task")).toHaveCount(2);
      await expect(task(page, "Buy wheels")).toHaveAttribute("data-done", "true");
      await expect(task(page, "Buy wheels").getByRole("checkbox", { name: "Buy wheels" })).toBeChecked();
      await expect(task(page, "Paint the deck")).toHaveAttribute("data-done", "false");
      await expect(assignee(page, "Paint the deck")).toHaveText("Max Member");
      // A Member does not delete projects.
      await expect(page.getByText("Delete project…")).toHaveCount(0);
    });

    test("an admin renames a project, then deletes it after confirming", async ({ page }) => {
      await signInAt(page, "/projects", "ada@acme.test", js);
      const name = unique("Doomed");
      await createProject(page, name);
      await settled(page, js);

      const renamed = `${name} (renamed)`;
      await page.getByText("Edit project").click();
      const edit = page.getByRole("form", { name: "Edit project" });
      await edit.getByLabel("Name").fill(renamed);
      await edit.getByRole("button", { name: "Save changes" }).click();
      await expect(page.getByRole("heading", { level: 1, name: renamed })).toBeVisible();
      await settled(page, js);

      // Deleting asks first: the button is behind "Delete project…".
      const confirm = page.getByRole("button", { name: "Delete project", exact: true });
      await expect(confirm).toBeHidden();
      await page.getByText("Delete project…").click();
      await expect(page.getByText(`Delete “${renamed}”? It has no tasks. This cannot be undone.`)).toBeVisible();
      await confirm.click();
      await expect(page).toHaveURL(/\/projects$/);
      await page.getByLabel("Search projects").fill(name);
      await page.getByRole("button", { name: "Search" }).click();
      await expect(page.getByTestId("projects-empty")).toHaveText(`No projects match “${name}”.`);
    });

    test("a read-only member sees no editing controls", async ({ page }) => {
      await signInAt(page, "/projects", "rita@acme.test", js);
      await expect(page.getByTestId("project-list")).toContainText("Rocket skates");
      await expect(page.getByRole("link", { name: "New project" })).toHaveCount(0);
      await expect(page.getByLabel("Name", { exact: true })).toHaveCount(0);
      const response = await page.goto("/projects/new");
      expect(response?.status()).toBe(403);
      await expect(page.getByRole("form", { name: "New project" })).toHaveCount(0);

      await openRocketSkates(page);
      await expect(page.locator("main form")).toHaveCount(0);
      for (const control of ["Edit project", "Archive project", "Delete project…", "Add task"]) {
        await expect(page.getByText(control)).toHaveCount(0);
      }
      await expect(page.getByRole("checkbox")).toHaveCount(0);
      await expect(page.getByRole("combobox")).toHaveCount(0);
    });

    test("a project opens from the list, and is a 404 for another tenant", async ({ page, browser }) => {
      await signInAt(page, "/projects", "ada@acme.test", js);
      const acmeProject = await openRocketSkates(page);
      expect(acmeProject).toMatch(/^\/projects\/[0-9a-f-]{36}$/);

      const globex = await browser.newContext({ javaScriptEnabled: js });
      const other = await globex.newPage();
      await signInAt(other, "/projects", "bo@globex.test", js);
      const response = await other.goto(acmeProject);
      expect(response?.status()).toBe(404);
      await expect(other.getByRole("heading", { name: "Page not found" })).toBeVisible();
      await expect(other.getByText("Rocket skates")).toHaveCount(0);
      await globex.close();
    });
  });
}
