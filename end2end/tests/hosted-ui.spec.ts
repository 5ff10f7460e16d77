// The local Cognito stand-in's hosted UI, driven in Chromium: an invited user
// signs in with the temporary password from the outbox, sets a new password,
// and is sent back to the app's callback with a code and the state.
import { expect } from "@playwright/test";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { adminApi, clientId, cognito, test } from "./support";

const callback = `${process.env.BASE_URL ?? "http://127.0.0.1:3000"}/auth/callback`;


function authorizeUrl(state: string): string {
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const params = new URLSearchParams({
    response_type: "code",
    client_id: clientId,
    redirect_uri: callback,
    scope: "openid email",
    state,
    nonce: randomUUID(),
    code_challenge: challenge,
    code_challenge_method: "S256",
  });
  return `${cognito}/oauth2/authorize?${params}`;
}

test("an invited user sets a new password and comes back with a code", async ({ page }) => {
  expect(clientId, "COGNITO_CLIENT_ID is set by make test").not.toBe("");
  const email = `invitee-${randomUUID()}@example.test`;
  await adminApi("AdminCreateUser", {
    Username: email,
    UserAttributes: [{ Name: "custom:tenant_id", Value: randomUUID() }],
  });
  const outbox = await (await fetch(`${cognito}/_dev/outbox?to=${encodeURIComponent(email)}`)).json();
  const temporary: string = outbox.messages[0].temporary_password;

  const state = randomUUID();
  await page.goto(authorizeUrl(state));
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();

  // A wrong password first: a plain message, still on the form.
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("Not-the-password-1");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText("Incorrect username or password.");

  await page.getByLabel("Password").fill(temporary);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { name: "Set a new password" })).toBeVisible();

  await page.getByLabel("New password", { exact: true }).fill("Brand-new-pass-7");
  await page.getByLabel("Confirm new password").fill("Brand-new-pass-7");
  await page.getByRole("button", { name: "Set password and sign in" }).click();

  await page.waitForURL((url) => url.href.startsWith(callback));
  const back = new URL(page.url());
  expect(back.searchParams.get("state")).toBe(state);
  expect(back.searchParams.get("code")).toMatch(/^[A-Za-z0-9_-]{20,}$/);

  const user = await adminApi("AdminGetUser", { Username: email });
  expect(user.UserStatus).toBe("CONFIRMED");
});

test("a registered user signed in once is not asked again until logout", async ({ page }) => {
  const email = `member-${randomUUID()}@example.test`;
  await adminApi("AdminCreateUser", { Username: email, MessageAction: "SUPPRESS" });
  await adminApi("AdminSetUserPassword", { Username: email, Password: "Member-pass-1", Permanent: true });

  await page.goto(authorizeUrl("first"));
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("Member-pass-1");
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => url.href.startsWith(callback));

  await page.goto(authorizeUrl("second"));
  await page.waitForURL((url) => url.href.startsWith(callback));
  expect(new URL(page.url()).searchParams.get("state")).toBe("second");

  const home = `${process.env.BASE_URL ?? "http://127.0.0.1:3000"}/`;
  const logout = new URLSearchParams({ client_id: clientId, logout_uri: home });
  await page.goto(`${cognito}/logout?${logout}`);
  await expect(page).toHaveURL(home);

  await page.goto(authorizeUrl("third"));
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
});
