// Knowing where you are: each page's title, the main navigation marking its
// section, and a skip link as the first thing a keyboard reaches.
import { expect } from "@playwright/test";
import { hydrated, openNewProject, signInAt, test } from "./support";

test("each page's title names it, its section and the organisation", async ({ page }) => {
  await signInAt(page, "/projects", "max@acme.test");
  await hydrated(page);
  await expect(page).toHaveTitle("Projects · Acme Corp");
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Projects" })).toHaveAttribute("aria-current", "page");

  await page.getByRole("link", { name: "Rocket skates" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Rocket skates" })).toBeVisible();
  await expect(page).toHaveTitle("Rocket skates · Projects · Acme Corp");

  await page.goto("/");
  await hydrated(page);
  await expect(page).toHaveTitle("Home · Acme Corp");
  await expect(nav.getByRole("link", { name: "Projects" })).not.toHaveAttribute("aria-current");
});

test("the settings pages are titled by section, the nav marks Settings", async ({ page }) => {
  await signInAt(page, "/settings/audit", "ada@acme.test");
  await hydrated(page);
  await expect(page).toHaveTitle("Audit log · Settings · Acme Corp");
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Settings" })).toHaveAttribute("aria-current", "page");
  await expect(nav.getByRole("link", { name: "Projects" })).not.toHaveAttribute("aria-current");
});

test("the skip link is the first tab stop and moves focus to the page", async ({ page }) => {
  await signInAt(page, "/projects", "max@acme.test");
  await hydrated(page);
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).not.toBeInViewport();

  await page.keyboard.press("Tab");
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press("Enter");
  await expect(page.locator("main")).toBeFocused();
  // The next tab stop is inside the page, past the header.
  await page.keyboard.press("Tab");
  const next = page.locator(":focus");
  expect(await next.evaluate((el) => el.closest("main") !== null)).toBe(true);
});

test("a list that fits on one page shows no pager", async ({ page }) => {
  // Globex has one project, and no test adds to it.
  await signInAt(page, "/projects", "lil@globex.test");
  await hydrated(page);
  await expect(page.getByRole("link", { name: "Hammock district" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Pages" })).toHaveCount(0);
});

test("a server answer that is not the app's is not blamed on the user", async ({ page }) => {
  await signInAt(page, "/projects", "max@acme.test");
  await hydrated(page);
  // What a proxy in front of the server answers while it restarts.
  await page.route("**/api/create_project", (route) =>
    route.fulfill({ status: 502, contentType: "text/html", body: "<h1>502 Bad Gateway</h1>" }),
  );
  await openNewProject(page);
  await page.getByLabel("Name").fill("Never saved");
  await page.getByRole("button", { name: "Create project" }).click();
  await expect(page.getByText("The service is temporarily unavailable. Try again in a moment.")).toBeVisible();
  await expect(page.getByText("The request was malformed.")).toHaveCount(0);
});

test("on a phone the header is one row, the account folded into a menu", async ({ page }, info) => {
  test.skip(info.project.name !== "phone", "the phone layout");
  await signInAt(page, "/projects", "ada@acme.test");
  await hydrated(page);
  const header = page.getByRole("banner");
  const menu = page.getByTestId("whoami").getByRole("button", { name: "Acme Corp" });
  // The menu's own effect unhides it, after the page's hydration mark.
  await expect(menu).toBeVisible();
  await expect(page.getByRole("link", { name: "Projects" })).toBeVisible();
  await expect(page.getByTestId("user-email")).toBeHidden();
  await expect.poll(async () => (await header.boundingBox())!.height).toBeLessThan(72);

  await menu.click();
  await expect(menu).toHaveAttribute("aria-expanded", "true");
  await expect(page.getByTestId("user-email")).toHaveText("ada@acme.test");
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByTestId("user-email")).toBeHidden();
  await expect(menu).toBeFocused();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("on a phone the header wraps, the account open on a row of its own, nothing overlapping", async ({
    page,
  }, info) => {
    test.skip(info.project.name !== "phone", "the phone layout");
    await signInAt(page, "/projects", "ada@acme.test");
    const nav = page.getByRole("navigation", { name: "Main" });
    const parts = {
      brand: page.getByRole("banner").getByRole("link", { name: "Saas" }),
      projects: nav.getByRole("link", { name: "Projects" }),
      settings: nav.getByRole("link", { name: "Settings" }),
      tenant: page.getByTestId("tenant-name"),
      email: page.getByTestId("user-email"),
      role: page.getByTestId("user-role"),
      signOut: page.getByRole("button", { name: "Sign out" }),
    };
    // Measure the finished page only: the sign-in redirects end on a page
    // that streams in, and a box taken mid-stream (or before the stylesheet
    // applies) is from another layout than the next one's. CI once failed
    // this way under load.
    await expect(page).toHaveURL(/\/projects$/);
    for (const [name, part] of Object.entries(parts)) await expect(part, name).toBeVisible();
    await page.waitForLoadState("load");
    const width = page.viewportSize()!.width;
    const boxes: [string, { x: number; y: number; width: number; height: number }][] = [];
    for (const [name, part] of Object.entries(parts)) {
      const box = (await part.boundingBox())!;
      expect(box.x, `${name} is off the screen`).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width, `${name} is off the screen`).toBeLessThanOrEqual(width);
      boxes.push([name, box]);
    }
    // The account starts below the nav.
    const at = Object.fromEntries(boxes);
    expect(at.tenant.y).toBeGreaterThanOrEqual(at.projects.y + at.projects.height);
    for (const [i, [a, p]] of boxes.entries()) {
      for (const [b, q] of boxes.slice(i + 1)) {
        const apart = p.x + p.width <= q.x || q.x + q.width <= p.x || p.y + p.height <= q.y || q.y + q.height <= p.y;
        expect(apart, `${a} ${JSON.stringify(p)} overlaps ${b} ${JSON.stringify(q)}`).toBe(true);
      }
    }
  });
});
