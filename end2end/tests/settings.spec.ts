// The settings pages in Chromium: adding a member who then signs in with
// the emailed temporary password, disabling a member who is signed in
// elsewhere, what a SuperUser is offered (and refused), the 403 page,
// pending invitations (resend, revoke), the role picker's confirmation and
// the audit log's sentences and times.
import { randomUUID } from "node:crypto";
import { type Browser, expect, type Page } from "@playwright/test";
import { adminApi, cognito, createProject, hydrated, signInAt, test } from "./support";

const ACME = "0b9e6a5e-1c1f-4c55-9d3a-acde00000001";

async function newPage(browser: Browser): Promise<Page> {
  return (await browser.newContext()).newPage();
}

/// A Member of Acme with a password of their own, made through the admin
/// API as an operator's script would, signed in in a browser of their own.
async function signedInMember(browser: Browser, email: string, password: string): Promise<Page> {
  await adminApi("AdminCreateUser", {
    Username: email,
    MessageAction: "SUPPRESS",
    UserAttributes: [{ Name: "custom:tenant_id", Value: ACME }],
  });
  await adminApi("AdminSetUserPassword", { Username: email, Password: password, Permanent: true });
  await adminApi("AdminAddUserToGroup", { Username: email, GroupName: "Member" });
  const member = await newPage(browser);
  await signInAt(member, "/projects", email, password);
  await expect(member.getByTestId("user-email")).toHaveText(email);
  return member;
}

test("an admin adds a member, who signs in with the emailed password and lands in the tenant", async ({
  page,
  browser,
}) => {
  await signInAt(page, "/settings", "ada@acme.test");
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
  await hydrated(page);
  const email = `joiner-${randomUUID()}@acme.test`;

  await page.getByText("Add a member").click();
  const form = page.getByRole("form", { name: "Add a member" });
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Name (optional)").fill("June Joiner");
  await form.getByLabel("Role").selectOption("ReadOnly");
  await form.getByRole("button", { name: "Add member" }).click();
  await expect(page.getByTestId("toast")).toContainText(`Invited ${email}.`);

  const outbox = await (await fetch(`${cognito}/_dev/outbox?to=${encodeURIComponent(email)}`)).json();
  const temporary: string = outbox.messages[0].temporary_password;
  const joiner = await newPage(browser);
  await signInAt(joiner, "/projects", email, temporary);
  await expect(joiner.getByRole("heading", { name: "Set a new password" })).toBeVisible();
  await joiner.getByLabel("New password", { exact: true }).fill("Joined-pass-7");
  await joiner.getByLabel("Confirm new password").fill("Joined-pass-7");
  await joiner.getByRole("button", { name: "Set password and sign in" }).click();

  await expect(joiner).toHaveURL(/\/projects$/);
  await expect(joiner.getByTestId("tenant-name")).toHaveText("Acme Corp");
  await expect(joiner.getByTestId("user-role")).toHaveText("ReadOnly");
  await expect(joiner.getByTestId("project-list")).toContainText("Rocket skates");
});

test("disabling a signed-in member sends them to sign in at their next click", async ({ page, browser }) => {
  const email = `leaver-${randomUUID()}@acme.test`;
  const leaver = await signedInMember(browser, email, "Leaver-pass-1");

  await signInAt(page, `/settings?q=${encodeURIComponent(email)}`, "ada@acme.test");
  await hydrated(page);
  const row = page.getByTestId("member").filter({ hasText: email });
  // It asks first: it signs the person out everywhere.
  await expect(row.getByRole("button", { name: "Disable member" })).toBeHidden();
  await row.getByText("Disable…").click();
  const confirm = row.getByRole("group", { name: "Confirm disabling" });
  await expect(confirm).toContainText("signed out everywhere");
  await confirm.getByRole("button", { name: "Disable member" }).click();
  await expect(page.getByTestId("toast")).toContainText(`Disabled ${email}`);
  await expect(page.getByTestId("member").filter({ hasText: email })).toContainText("Disabled");

  await leaver.getByRole("link", { name: "Projects" }).click();
  await expect(leaver.getByRole("heading", { name: "Sign in" })).toBeVisible();
});

test("a SuperUser is not offered the Admin role, and a forged request for it is refused", async ({ page }) => {
  await signInAt(page, "/settings", "sue@acme.test");
  await hydrated(page);
  await page.getByText("Add a member").click();
  const roles = page.getByRole("form", { name: "Add a member" }).getByLabel("Role");
  await expect(roles.locator("option")).toHaveText(["SuperUser", "Member", "ReadOnly"]);
  // No Admin row offers anything either.
  const ada = page.getByTestId("member").filter({ hasText: "ada@acme.test" });
  await expect(ada.getByRole("button")).toHaveCount(0);

  // The same request the form sends, with Admin filled in by hand.
  const email = `sneaky-${randomUUID()}@acme.test`;
  const forged = await page.evaluate(async (email) => {
    const response = await fetch("/api/invite_member", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams({ email, name: "", role: "Admin" }),
    });
    return { status: response.status, body: await response.text() };
  }, email);
  expect(forged.status).toBe(403);
  // The rule that refused it, by name; the page shows its sentence.
  expect(JSON.parse(forged.body)).toEqual({ Refused: "AboveOwnRole" });
  const outbox = await (await fetch(`${cognito}/_dev/outbox?to=${encodeURIComponent(email)}`)).json();
  expect(outbox.messages).toHaveLength(0);
});

test("a Member gets the 403 page at /settings and no link to it", async ({ page }) => {
  await signInAt(page, "/projects", "max@acme.test");
  await expect(page.getByTestId("whoami")).toBeVisible();
  await expect(page.getByRole("link", { name: "Settings" })).toHaveCount(0);
  const response = await page.goto("/settings");
  expect(response?.status()).toBe(403);
  await expect(page.getByRole("heading", { name: "Not allowed" })).toBeVisible();
  await expect(page.getByTestId("member-list")).toHaveCount(0);
});

test("a pending invitation can be resent and revoked; the outbox shows the resent message", async ({ page }) => {
  await signInAt(page, "/settings", "ada@acme.test");
  await hydrated(page);
  const email = `invitee-${randomUUID()}@acme.test`;
  await page.getByText("Add a member").click();
  const form = page.getByRole("form", { name: "Add a member" });
  await form.getByLabel("Email").fill(email);
  await form.getByRole("button", { name: "Add member" }).click();

  const invitation = page.getByTestId("invitation").filter({ hasText: email });
  await expect(invitation).toContainText("just now");
  // Pending, so not in the members table.
  await expect(page.getByTestId("member").filter({ hasText: email })).toHaveCount(0);
  const outbox = async () =>
    (await (await fetch(`${cognito}/_dev/outbox?to=${encodeURIComponent(email)}`)).json()).messages;
  expect(await outbox()).toHaveLength(1);

  await invitation.getByRole("button", { name: "Resend" }).click();
  await expect(page.getByTestId("toast").filter({ hasText: `Sent ${email} a new invitation.` })).toBeVisible();
  await expect.poll(async () => (await outbox()).length).toBe(2);
  const [first, second] = await outbox();
  expect(second.temporary_password).not.toBe(first.temporary_password);

  // Revoking asks first.
  await expect(invitation.getByRole("button", { name: "Revoke invitation" })).toBeHidden();
  await invitation.getByText("Revoke…").click();
  await invitation.getByRole("button", { name: "Revoke invitation" }).click();
  await expect(page.getByTestId("toast").filter({ hasText: `Revoked the invitation to ${email}.` })).toBeVisible();
  await expect(page.getByTestId("invitation").filter({ hasText: email })).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId("invitation").filter({ hasText: email })).toHaveCount(0);
});

test("a new role is asked about before it is saved, and can be cancelled", async ({ page, browser }) => {
  const email = `promoted-${randomUUID()}@acme.test`;
  await signedInMember(browser, email, "Promo-pass-1");

  await signInAt(page, `/settings?q=${encodeURIComponent(email)}`, "ada@acme.test");
  await hydrated(page);
  const row = page.getByTestId("member").filter({ hasText: email });
  const picker = row.getByLabel(`Role of ${email}`);
  const confirm = row.getByRole("group", { name: "Confirm role change" });
  await expect(confirm).toBeHidden();
  await picker.selectOption("SuperUser");
  await expect(confirm).toContainText(`Make ${email} SuperUser?`);
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(confirm).toBeHidden();
  await expect(picker).toHaveValue("Member");
  await expect(picker).toBeFocused();

  await picker.selectOption("ReadOnly");
  await confirm.getByRole("button", { name: "Change role" }).click();
  await expect(page.getByTestId("toast").filter({ hasText: `${email} is now ReadOnly.` })).toBeVisible();
  await page.reload();
  await expect(page.getByTestId("member").filter({ hasText: email }).getByLabel(`Role of ${email}`)).toHaveValue(
    "ReadOnly",
  );
});

test.describe("in the viewer's time zone", () => {
  test.use({ timezoneId: "Pacific/Auckland" });

  test("the audit log reads as sentences with names, and times are relative with the local time on hover", async ({
    page,
  }) => {
    await signInAt(page, "/projects", "ada@acme.test");
    await hydrated(page);
    const project = `Audited ${randomUUID()}`;
    await createProject(page, project);
    await hydrated(page);
    const quickAdd = page.getByRole("form", { name: "New task" }).getByLabel("Title");
    await quickAdd.fill("Order the gantry");
    await quickAdd.press("Enter");
    await hydrated(page);
    await page.getByLabel("Assignee of “Order the gantry”").selectOption({ label: "Max Member" });
    await expect(page.getByTestId("toast").filter({ hasText: "Assigned “Order the gantry”." })).toBeVisible();

    await page.goto("/settings/audit");
    await hydrated(page);
    const assigned = page.getByTestId("audit-entry").filter({ hasText: project }).first();
    await expect(assigned).toHaveText(
      // "just now" for 45 s; a loaded machine may take longer to get here.
      new RegExp(`^Ada Admin assigned “Order the gantry” to Max Member in “${project}”\\s*(just now|1 minute ago)$`),
    );
    await expect(assigned).not.toContainText("task.assign");
    await assigned.getByRole("link", { name: `“${project}”` }).waitFor();
    // The exact time on hover is the browser's own rendering in the
    // viewer's zone (Auckland, 12 or 13 hours ahead), not the server's UTC.
    const time = assigned.locator("time");
    const iso = (await time.getAttribute("datetime"))!;
    const local = await page.evaluate((iso) => new Date(iso).toLocaleString("default"), iso);
    await expect(time).toHaveAttribute("title", local);
    const utcHour = new Date(iso).getUTCHours();
    const shownHour = await page.evaluate((iso) => new Date(iso).getHours(), iso);
    expect(shownHour).not.toBe(utcHour);
  });
});
