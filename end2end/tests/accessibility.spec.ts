// axe-core on every page, for every role, at both sizes: no violation of
// the WCAG 2.0/2.1 level A and AA rules (and no vendor name in the text,
// and nothing wider than the screen). Pages a role may not open are
// checked as the 403 page that role gets; the project page is checked with
// a task's menu open and a toast showing too.
import AxeBuilder from "@axe-core/playwright";
import { expect, type Page } from "@playwright/test";
import { hydrated, signInAt, test } from "./support";

const WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];

/// Runs axe on the page as it is now; fails with each violation's rule,
/// help text and the elements it found.
async function expectNoViolations(page: Page, what: string) {
  // And no vendor's name in what the app says to people.
  expect(await page.locator("body").innerText(), `${what}: ${page.url()}`).not.toMatch(/cognito/i);
  // And nothing wider than the screen: a phone would zoom the page out.
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(wide, `${what}: ${page.url()} is wider than the screen`).toBeLessThanOrEqual(
    page.viewportSize()!.width,
  );
  const results = await new AxeBuilder({ page }).withTags(WCAG_A_AA).analyze();
  const found = results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.map((n) => n.target.join(" ")).join("\n    ")}`,
  );
  expect(found, `${what}: ${page.url()}`).toEqual([]);
}

async function visit(page: Page, path: string) {
  await page.goto(path);
  await hydrated(page);
}

const roles = [
  { email: "ada@acme.test", role: "Admin", writes: true },
  { email: "sue@acme.test", role: "SuperUser", writes: true },
  { email: "max@acme.test", role: "Member", writes: true },
  { email: "rita@acme.test", role: "ReadOnly", writes: false },
];

test("the check itself catches a violation", async ({ page }) => {
  // A guard on the harness: a field without a label, added to a real page,
  // must be reported, or the passes below would mean nothing.
  await visit(page, "/");
  await page.evaluate(() => document.querySelector("main")!.append(document.createElement("input")));
  const results = await new AxeBuilder({ page }).withTags(WCAG_A_AA).analyze();
  expect(results.violations.map((v) => v.id)).toContain("label");
});

test("signed out: the home page", async ({ page }) => {
  await visit(page, "/");
  await expectNoViolations(page, "signed out");
});

for (const { email, role, writes } of roles) {
  test(`${role}: every page`, async ({ page }) => {
    // Eight pages and more, each loaded and hydrated: longer than one flow.
    test.setTimeout(150_000);
    await signInAt(page, "/projects", email);
    await hydrated(page);
    const pages = [
      "/",
      "/projects",
      "/projects/new",
      "/settings",
      "/settings/profile",
      "/settings/organisation",
      "/settings/audit",
      "/settings/api-keys",
    ];
    for (const path of [...pages, "/no-such-page"]) {
      await visit(page, path);
      await expectNoViolations(page, `${role} ${path}`);
    }

    await visit(page, "/projects?q=Rocket+skates");
    await page.getByRole("link", { name: "Rocket skates" }).click();
    await expect(page.getByRole("heading", { level: 1, name: "Rocket skates" })).toBeVisible();
    await hydrated(page);
    await expectNoViolations(page, `${role} project`);
    if (writes) {
      // The New project dialog, open over the list.
      await visit(page, "/projects");
      await page.getByRole("link", { name: "New project" }).click();
      await expect(page.getByRole("dialog", { name: "New project" })).toBeVisible();
      await expectNoViolations(page, `${role} New project dialog`);
      await visit(page, "/projects?q=Rocket+skates");
      await page.getByRole("link", { name: "Rocket skates" }).click();
      await hydrated(page);
    }

    if (writes) {
      // A task to act on, its menu open, and the toast its completion left.
      const title = `Checked ${Date.now()}-${Math.floor(Math.random() * 1e6)}`;
      const quickAdd = page.getByRole("form", { name: "New task" }).getByLabel("Title");
      await quickAdd.fill(title);
      await quickAdd.press("Enter");
      await page.getByRole("checkbox", { name: title }).click();
      await expect(page.getByTestId("toast").filter({ hasText: `Completed “${title}”.` })).toBeVisible();
      await page.getByLabel(`More for “${title}”`).click();
      await expectNoViolations(page, `${role} project, menu open, toast showing`);
    }
  });
}
