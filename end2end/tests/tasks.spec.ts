// Task rows as people use them every day: one line each, a checkbox that
// completes in one click and keeps the focus, toasts that say what happened
// (and go), Undo for complete and delete, a quick-add that stays ready, and
// the same controls posting plain forms without JavaScript.
import { expect, type Page } from "@playwright/test";
import { createProject, hydrated, signInAt, test } from "./support";

function unique(prefix: string): string {
  return `${prefix} ${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
}

/// Signs Max (a Member) in, creates a project with `tasks`, and leaves the
/// browser on its page.
async function projectWithTasks(page: Page, tasks: string[], js = true) {
  await signInAt(page, "/projects", "max@acme.test");
  if (js) await hydrated(page);
  await createProject(page, unique("Rows"));
  if (js) await hydrated(page);
  const quickAdd = page.getByRole("form", { name: "New task" }).getByLabel("Title");
  for (const title of tasks) {
    await quickAdd.fill(title);
    await quickAdd.press("Enter");
    await expect(page.getByTestId("task").filter({ hasText: title })).toHaveCount(1);
    if (js) await hydrated(page);
  }
}

test.describe("with JavaScript", () => {
  test("the quick-add keeps the focus for the next task, and rows are one line", async ({ page }, info) => {
    await projectWithTasks(page, ["Order the gantry", "Paint the hull"]);
    // Back in the field, empty, after each add.
    const field = page.getByRole("form", { name: "New task" }).getByLabel("Title");
    await expect(field).toBeFocused();
    await expect(field).toHaveValue("");

    // One line a task on a desktop; two at most on a phone.
    // Polled: the row's Assign control comes with its own effect.
    const row = page.getByTestId("task").first();
    const limit = info.project.name === "phone" ? 100 : 60;
    await expect
      .poll(async () => (await row.boundingBox())!.height, { message: `row height on ${info.project.name}` })
      .toBeLessThan(limit);
  });

  test("completing is one click on the checkbox, which keeps the focus; the toast goes by itself", async ({
    page,
  }) => {
    await projectWithTasks(page, ["Weld the frame"]);
    const checkbox = page.getByRole("checkbox", { name: "Weld the frame" });
    await expect(checkbox).not.toBeChecked();
    await checkbox.click();
    await expect(page.getByRole("checkbox", { name: "Weld the frame" })).toBeChecked();
    await expect(page.getByRole("checkbox", { name: "Weld the frame" })).toBeFocused();

    const toast = page.getByTestId("toast").filter({ hasText: "Completed “Weld the frame”." });
    await expect(toast).toBeVisible();
    // Announced: the toast is inside the polite live region.
    await expect(page.getByRole("status").filter({ has: toast })).toHaveAttribute("aria-live", "polite");
    await expect(toast).toHaveCount(0, { timeout: 20_000 });

    // The keyboard does it too: Space on the focused checkbox reopens.
    await page.keyboard.press("Space");
    await expect(page.getByRole("checkbox", { name: "Weld the frame" })).not.toBeChecked();
    await expect(page.getByRole("checkbox", { name: "Weld the frame" })).toBeFocused();
  });

  test("Undo takes back a completion, even after another one", async ({ page }, info) => {
    await projectWithTasks(page, ["Fit the sails", "Fit the keel"]);
    await page.getByRole("checkbox", { name: "Fit the sails" }).click();
    await expect(page.getByRole("checkbox", { name: "Fit the sails" })).toBeChecked();
    if (info.project.name !== "phone") {
      // (A phone shows the newest toast only.)
      await page.getByRole("checkbox", { name: "Fit the keel" }).click();
      await expect(page.getByRole("checkbox", { name: "Fit the keel" })).toBeChecked();
    }
    // The first toast's Undo still works once the same action has run again.
    const toast = page.getByTestId("toast").filter({ hasText: "Completed “Fit the sails”." });
    await toast.getByRole("button", { name: "Undo" }).click();
    await expect(page.getByRole("checkbox", { name: "Fit the sails" })).not.toBeChecked();
    await expect(page.getByTestId("toast").filter({ hasText: "Reopened “Fit the sails”." })).toBeVisible();
    await page.reload();
    await expect(page.getByRole("checkbox", { name: "Fit the sails" })).not.toBeChecked();
  });

  test("a task deleted from its menu comes back with Undo, whole", async ({ page }) => {
    await projectWithTasks(page, ["Keep me", "Delete me"]);
    const row = page.getByTestId("task").filter({ hasText: "Delete me" });
    await row.getByRole("combobox").selectOption({ label: "Max Member" });
    await expect(page.getByTestId("toast").filter({ hasText: "Assigned “Delete me”." })).toBeVisible();

    await page.getByLabel("More for “Delete me”").click();
    await page.getByRole("button", { name: "Delete task" }).click();
    await expect(page.getByTestId("task").filter({ hasText: "Delete me" })).toHaveCount(0);
    // The focus moves to the neighbouring task rather than the document.
    await expect(page.getByRole("checkbox", { name: "Keep me" })).toBeFocused();

    const toast = page.getByTestId("toast").filter({ hasText: "Deleted “Delete me”." });
    await toast.getByRole("button", { name: "Undo" }).click();
    const back = page.getByTestId("task").filter({ hasText: "Delete me" });
    await expect(back).toHaveCount(1);
    await expect(back.getByRole("combobox").locator("option:checked")).toHaveText("Max Member");
    await expect(page.getByRole("checkbox", { name: "Delete me" })).toBeFocused();
    await page.reload();
    await expect(page.getByTestId("task")).toHaveCount(2);
  });

  test("a chosen assignee saves at once and the picker keeps the focus", async ({ page }) => {
    await projectWithTasks(page, ["Pick someone"]);
    const picker = page.getByLabel("Assignee of “Pick someone”");
    await picker.selectOption({ label: "Sue Super" });
    await expect(page.getByTestId("toast").filter({ hasText: "Assigned “Pick someone”." })).toBeVisible();
    await expect(picker).toBeFocused();
    await page.reload();
    await expect(page.getByLabel("Assignee of “Pick someone”").locator("option:checked")).toHaveText("Sue Super");
  });

  test("archiving a project can be undone from its toast, and keeps the focus", async ({ page }) => {
    await projectWithTasks(page, []);
    await page.getByRole("button", { name: "Archive project" }).click();
    await expect(page.getByText("This project is archived")).toBeVisible();
    await expect(page.getByRole("button", { name: "Restore project" })).toBeFocused();
    const toast = page.getByTestId("toast").filter({ hasText: "Archived" });
    await toast.getByRole("button", { name: "Undo" }).click();
    await expect(page.getByText("This project is archived")).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Archive project" })).toBeVisible();
  });

  test("editing from the menu saves and returns the focus to the menu", async ({ page }) => {
    await projectWithTasks(page, ["Draft title"]);
    await page.getByLabel("More for “Draft title”").click();
    const edit = page.getByRole("form", { name: "Edit “Draft title”" });
    // A refusal has no room under the field here: it is a toast.
    await edit.getByLabel("Title").fill(" ");
    await edit.getByLabel("Title").evaluate((input: HTMLInputElement) => (input.required = false));
    await edit.getByRole("button", { name: "Save task" }).click();
    await expect(page.getByTestId("toast").filter({ hasText: "Title cannot be empty." })).toHaveAttribute(
      "data-tone",
      "error",
    );
    await edit.getByLabel("Title").fill("Final title");
    await edit.getByLabel("Details").fill("With details now");
    await edit.getByRole("button", { name: "Save task" }).click();
    const row = page.getByTestId("task").filter({ hasText: "Final title" });
    await expect(row).toContainText("With details now");
    await expect(page.getByLabel("More for “Final title”")).toBeFocused();
  });

  test("a failure is a toast in words that do not blame the user, and stays", async ({ page, browser }) => {
    await projectWithTasks(page, ["Gone elsewhere"]);
    const url = page.url();
    // Someone else deletes the task meanwhile.
    const other = await browser.newPage();
    await signInAt(other, url, "ada@acme.test");
    await hydrated(other);
    await other.getByLabel("More for “Gone elsewhere”").click();
    await other.getByRole("button", { name: "Delete task" }).click();
    await expect(other.getByTestId("task")).toHaveCount(0);
    await other.close();

    await page.getByRole("checkbox", { name: "Gone elsewhere" }).click();
    const toast = page.getByTestId("toast").filter({ hasText: /not found/i });
    await expect(toast).toHaveAttribute("data-tone", "error");
    await expect(toast).not.toContainText("malformed");
    // Still there well after a success would have gone; dismissed by hand.
    await page.waitForTimeout(6_000);
    await expect(toast).toBeVisible();
    await toast.getByRole("button", { name: "Dismiss" }).click();
    await expect(toast).toHaveCount(0);
  });
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("the checkbox, the picker and the menu post plain forms and come back", async ({ page }) => {
    await projectWithTasks(page, ["Plain one", "Plain two"], false);
    await page.getByRole("checkbox", { name: "Plain one" }).click();
    await expect(page.getByRole("checkbox", { name: "Plain one" })).toBeChecked();
    // The page it lands on says so, once.
    await expect(page.getByTestId("toast")).toHaveText(/Completed “Plain one”\./);
    await page.reload();
    await expect(page.getByTestId("toast")).toHaveCount(0);

    const row = page.getByTestId("task").filter({ hasText: "Plain two" });
    await row.getByRole("combobox").selectOption({ label: "Max Member" });
    await row.getByRole("button", { name: "Assign" }).click();
    await expect(
      page.getByTestId("task").filter({ hasText: "Plain two" }).getByRole("combobox").locator("option:checked"),
    ).toHaveText("Max Member");

    await page.getByText("⋯").last().click();
    await page.getByRole("button", { name: "Delete task" }).click();
    await expect(page.getByTestId("task")).toHaveCount(1);
  });

  test("a refused post lands back on the page with its message as a toast", async ({ page }) => {
    await projectWithTasks(page, ["Only task"], false);
    // The task goes (in the database) before the form is sent.
    await page.getByText("⋯").click();
    const form = page.getByRole("form", { name: "Edit “Only task”" });
    await form.getByLabel("Title").fill("x".repeat(10));
    await form.locator("input[name=id]").evaluate((input: HTMLInputElement) => {
      input.value = "00000000-0000-4000-8000-000000000000";
    });
    await form.getByRole("button", { name: "Save task" }).click();
    const toast = page.getByTestId("toast");
    await expect(toast).toHaveAttribute("data-tone", "error");
    await expect(toast).toContainText(/not found/i);
  });
});
