// The signed-in home page shows what is the caller's: their open tasks
// across projects (each linked to its project), recent projects, counts.
import { expect } from "@playwright/test";
import { createProject, hydrated, signInAt, test } from "./support";

test("my open tasks are on the home page, linked to their project", async ({ page }) => {
  const suffix = `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
  const project = `Dashboard ${suffix}`;
  const title = `Mine ${suffix}`;
  await signInAt(page, "/projects", "max@acme.test");
  await hydrated(page);
  await createProject(page, project);
  await hydrated(page);
  const newTask = page.getByRole("form", { name: "New task" });
  await newTask.getByLabel("Title").fill(title);
  await newTask.getByRole("button", { name: "Add task" }).click();
  const row = page.getByTestId("task").filter({ hasText: title });
  // Saved as soon as it is chosen.
  await row.getByLabel(`Assignee of “${title}”`).selectOption({ label: "Max Member" });
  // Saved once its toast says so (leaving sooner would cancel the call).
  await expect(page.getByTestId("toast").filter({ hasText: `Assigned “${title}”.` })).toBeVisible();

  await page.goto("/");
  await expect(page).toHaveTitle("Home · Acme Corp");
  await expect(page.getByTestId("counts")).toContainText("open task");
  const mine = page.getByTestId("my-tasks");
  await expect(mine).toContainText(title);
  await expect(mine).toContainText(project);
  await mine.getByRole("link", { name: title }).click();
  await expect(page.getByRole("heading", { level: 1, name: project })).toBeVisible();

  // Done, it leaves the list.
  await hydrated(page);
  await page.getByRole("checkbox", { name: title }).click();
  await expect(page.getByTestId("task").filter({ hasText: title })).toHaveAttribute("data-done", "true");
  await page.goto("/");
  await expect(page.getByRole("heading", { name: "Your open tasks" })).toBeVisible();
  await expect(page.getByText(title)).toHaveCount(0);
});

test("someone with nothing assigned is told so", async ({ page }) => {
  await signInAt(page, "/projects", "lil@globex.test");
  await page.getByRole("link", { name: "Saas" }).click();
  await expect(page.getByText("No open tasks are assigned to you.")).toBeVisible();
  await expect(page.getByTestId("recent-projects")).toContainText("Hammock district");
});
