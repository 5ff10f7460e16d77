// The organisation tree in Chromium, at desktop and phone sizes: an Admin
// builds a division with two teams and makes a ReadOnly member Admin of one
// team; that member creates a project there, gets no forms in the sibling
// team (and a request made by hand is refused), and reads the rest.
import { randomUUID } from "node:crypto";
import { type Browser, expect, type Page } from "@playwright/test";
import { adminApi, hydrated, openNewProject, signInAt, test } from "./support";

const ACME = "0b9e6a5e-1c1f-4c55-9d3a-acde00000001";

/// A new ReadOnly member of Acme, signed in in a browser of their own (the
/// first sign-in makes their member row, which a role can then be given).
async function newReader(browser: Browser, email: string): Promise<Page> {
  const password = "Reader-pass-5";
  await adminApi("AdminCreateUser", {
    Username: email,
    MessageAction: "SUPPRESS",
    UserAttributes: [{ Name: "custom:tenant_id", Value: ACME }],
  });
  await adminApi("AdminSetUserPassword", { Username: email, Password: password, Permanent: true });
  await adminApi("AdminAddUserToGroup", { Username: email, GroupName: "ReadOnly" });
  const page = await (await browser.newContext()).newPage();
  await signInAt(page, "/projects", email, password);
  await expect(page.getByTestId("user-role")).toHaveText("ReadOnly");
  return page;
}

/// Adds a unit under the unit the organisation page shows, then opens it.
async function addUnit(page: Page, name: string) {
  const form = page.getByRole("form", { name: "Add a unit" });
  await form.getByLabel("New unit under this one").fill(name);
  await form.getByRole("button", { name: "Add unit" }).click();
  await expect(page.getByTestId("toast").filter({ hasText: "Unit added." })).toBeVisible();
  await page.getByRole("navigation", { name: "Units" }).getByRole("link", { name }).click();
  await expect(page.getByRole("heading", { level: 3, name })).toBeVisible();
}

test("a member made Admin of one team writes there, and only there", async ({ page, browser }) => {
  // Two people, a dozen pages: longer than one flow.
  test.setTimeout(90_000);
  const run = randomUUID().slice(0, 8);
  const division = `Division ${run}`;
  const teamA = `Team A ${run}`;
  const teamB = `Team B ${run}`;
  const readerEmail = `reader-${run}@acme.test`;
  const reader = await newReader(browser, readerEmail);
  // Nothing to write anywhere yet.
  await expect(reader.getByRole("link", { name: "New project" })).toHaveCount(0);

  // Ada builds Division → {Team A, Team B}.
  await signInAt(page, "/settings/organisation", "ada@acme.test");
  await expect(page).toHaveTitle("Organisation · Settings · Acme Corp");
  await hydrated(page);
  await expect(page.getByTestId("your-role")).toHaveText("Your role here: Admin — tenant role");
  await addUnit(page, division);
  await addUnit(page, teamB);
  await page.getByRole("navigation", { name: "Units" }).getByRole("link", { name: division }).click();
  // The division's own page, not Team B's still on screen while the router
  // moves: a unit added before then would land under Team B.
  await expect(page.getByRole("heading", { level: 3, name: division })).toBeVisible();
  await addUnit(page, teamA);

  // … and makes the reader Admin of Team A.
  const assign = page.getByRole("form", { name: "Assign a role" });
  await assign.getByLabel("Member").selectOption({ label: readerEmail });
  await assign.getByLabel("Role").selectOption("Admin");
  await assign.getByRole("button", { name: "Assign a role" }).click();
  await expect(page.getByTestId("toast").filter({ hasText: "Role saved." })).toBeVisible();
  await expect(page.getByTestId("unit-person").filter({ hasText: readerEmail })).toContainText(
    "Admin — assigned here",
  );

  // Ada puts a project in Team B.
  await page.goto("/projects");
  await hydrated(page);
  await openNewProject(page);
  const newProject = page.getByRole("form", { name: "New project" });
  await newProject.getByLabel("Name").fill(`B's plan ${run}`);
  await newProject.getByLabel("Unit").selectOption({ label: `Acme Corp / ${division} / ${teamB}` });
  await newProject.getByRole("button", { name: "Create project" }).click();
  await expect(page.getByRole("heading", { level: 1, name: `B's plan ${run}` })).toBeVisible();
  // The address bar follows the client-side navigation a moment later.
  await expect(page).toHaveURL(/\/projects\/[0-9a-f-]{36}$/);
  const teamBProject = page.url().split("/").pop()!;

  // The reader, on their next request, may create projects in Team A only.
  await reader.goto("/projects");
  await hydrated(reader);
  await openNewProject(reader);
  const form = reader.getByRole("form", { name: "New project" });
  await expect(form.locator("input[name=unit]")).toHaveCount(1);
  await form.getByLabel("Name").fill(`A's plan ${run}`);
  await form.getByRole("button", { name: "Create project" }).click();
  await expect(reader.getByRole("heading", { level: 1, name: `A's plan ${run}` })).toBeVisible();
  await expect(reader.getByTestId("your-role")).toHaveText("Your role here: Admin — assigned here");
  await expect(reader.getByTestId("project-unit")).toHaveText(`Acme Corp / ${division} / ${teamA}`);
  await expect(reader.getByRole("form", { name: "New task" })).toBeVisible();

  // In Team B they read, with no forms …
  await reader.goto(`/projects/${teamBProject}`);
  await hydrated(reader);
  await expect(reader.getByRole("heading", { level: 1, name: `B's plan ${run}` })).toBeVisible();
  await expect(reader.getByTestId("your-role")).toHaveText("Your role here: ReadOnly — tenant role");
  await expect(reader.getByRole("form", { name: "New task" })).toHaveCount(0);
  await expect(reader.getByText("Edit project")).toHaveCount(0);
  // … and a request made by hand is refused.
  const forged = await reader.evaluate(async (project) => {
    const response = await fetch("/api/create_task", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: `project_id=${project}&title=Sneaky&description=`,
    });
    return response.status;
  }, teamBProject);
  expect(forged).toBe(403);
  await reader.reload();
  await expect(reader.getByText("Sneaky")).toHaveCount(0);

  // The rest of the organisation they read as before.
  await reader.goto("/projects?q=rocket");
  await expect(reader.getByTestId("project").filter({ hasText: "Rocket skates" })).toBeVisible();
  await expect(
    reader.getByTestId("project").filter({ hasText: "Rocket skates" }).getByTestId("project-unit"),
  ).toHaveText("Acme Corp / Engineering / Mobile");
});

test("the tree opens and closes without JavaScript, and roles show where they come from", async ({
  browser,
}) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signInAt(page, "/settings/organisation", "max@acme.test");
  const tree = page.getByRole("navigation", { name: "Units" });
  await expect(tree.getByRole("link", { name: "Engineering" })).toBeVisible();
  // Max (Member) manages nothing: no forms, only his role.
  await tree.getByRole("link", { name: "Platform" }).click();
  await expect(page.getByRole("heading", { level: 3, name: "Platform" })).toBeVisible();
  await expect(page.getByTestId("your-role")).toHaveText("Your role here: Member — tenant role");
  await expect(page.getByRole("form", { name: "Add a unit" })).toHaveCount(0);
  // Engineering's branch closes and opens with its toggle, and Engineering
  // itself stays in sight.
  const toggle = tree.locator("summary", { hasText: "2 units under Engineering" });
  await expect(tree.getByRole("link", { name: "Platform" })).toBeVisible();
  await toggle.click();
  await expect(tree.getByRole("link", { name: "Platform" })).toBeHidden();
  await expect(tree.getByRole("link", { name: "Engineering" })).toBeVisible();
  await toggle.click();
  await expect(tree.getByRole("link", { name: "Platform" })).toBeVisible();
  await context.close();
});

test("long unit paths stay on a phone's screen", async ({ page }) => {
  // Three levels of long names: the unit filter, the New project choices
  // and the move pickers list them as paths.
  await signInAt(page, "/settings/organisation", "ada@acme.test");
  await hydrated(page);
  for (const level of [1, 2, 3]) {
    await addUnit(page, `A rather long unit name at level ${level} ${randomUUID().slice(0, 8)}`);
  }
  await page.goto("/projects?q=Rocket");
  await page.getByRole("link", { name: "Rocket skates" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Rocket skates" })).toBeVisible();
  for (const path of ["/projects", "/projects/new", "/settings/organisation", page.url()]) {
    await page.goto(path);
    await hydrated(page);
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(wide, path).toBeLessThanOrEqual(page.viewportSize()!.width);
  }
});
