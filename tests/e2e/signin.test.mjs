// Feature 1: sign in with the admin token, a clear message for a wrong one, sign out. The token
// lives in sessionStorage only: never in the URL, the page's text or the console.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  startStackAndBrowser,
  closeStackAndBrowser,
  openApp,
  screenshotsAtBothWidths,
  emulator,
  unexpected,
} from "./support/stack.mjs";

let stack;
let browser;
before(async () => ({ stack, browser } = await startStackAndBrowser()));
after(() => closeStackAndBrowser({ stack, browser }));

test("sign in: wrong token refused with a clear message, right token kept for the tab only, sign out forgets it", async () => {
  const { page, context, problems } = await openApp(browser, stack);
  const consoleText = [];
  page.on("console", (m) => consoleText.push(m.text()));
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
  await screenshotsAtBothWidths(page, "signin");

  // Empty: explained next to the field, no request made.
  await emulator(stack, "/__emulator/log", { method: "DELETE" });
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByText("Enter the admin token.").waitFor();

  // Wrong token: refused by the proxy, explained next to the field.
  await page.getByLabel("Admin token").fill("not-the-admin-token");
  await page.getByRole("button", { name: "Sign in" }).click();
  const refusal = page.locator('[data-field="token"] .field-error');
  await refusal.waitFor();
  assert.match(await refusal.textContent(), /did not accept this admin token \(HTTP 401\)/);
  assert.equal(await page.getByLabel("Admin token").getAttribute("aria-invalid"), "true");
  assert.equal(await page.evaluate(() => sessionStorage.length), 0, "nothing stored after a refusal");
  // The proxy refused it: the emulator never saw the request.
  assert.equal((await emulator(stack, "/__emulator/log")).requests.length, 0);
  await screenshotsAtBothWidths(page, "signin-refused");

  // Right token.
  await page.getByLabel("Admin token").fill(stack.adminToken);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
  await page.getByRole("heading", { name: "Register a device" }).waitFor();
  for (const name of [
    "Token checker",
    "Register a device",
    "Registrations",
    "Send a push",
    "Bulk import",
    "Apps & credentials",
    "Activity",
  ]) {
    assert.ok(
      await page.getByRole("navigation", { name: "Sections" }).getByRole("link", { name }).isVisible(),
      `nav link ${name}`,
    );
  }
  // The probe reached the emulator through the proxy: one cheap authenticated call.
  const log = (await emulator(stack, "/__emulator/log")).requests;
  assert.ok(
    log.some(
      (r) =>
        r.method === "GET" && r.path === "/v1/PushNotifications/Apps" && /pageSize=1/.test(r.query) && r.status === 200,
    ),
    JSON.stringify(log),
  );

  const stored = await page.evaluate(() => Object.entries(sessionStorage));
  assert.deepEqual(
    stored.map(([, v]) => v),
    [stack.adminToken],
    "the token is in sessionStorage",
  );
  assert.equal(await page.evaluate(() => localStorage.length), 0, "never in localStorage");
  assert.ok(!page.url().includes(stack.adminToken), "never in the URL");
  const visible = await page.evaluate(
    // biome-ignore lint/performance/useDomNodeTextContent: what is displayed is the point here
    () => document.body.innerText + [...document.querySelectorAll("input, textarea")].map((i) => i.value).join(" "),
  );
  assert.ok(!visible.includes(stack.adminToken), "never displayed (the input was cleared)");

  // A reload keeps the session (same tab).
  await page.reload();
  await page.getByRole("button", { name: "Sign out" }).waitFor();
  await page.getByRole("heading", { name: "Register a device" }).waitFor();

  // Keyboard: the nav is reachable with Tab and shows a visible focus ring.
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  const focused = await page.evaluate(() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return { tag: el.tagName, outline: style.outlineStyle, width: parseFloat(style.outlineWidth) };
  });
  assert.equal(focused.outline, "solid", `focus is visible on ${focused.tag}`);
  assert.ok(focused.width >= 2);

  // Sign out: forgotten, back to the sign-in form.
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("heading", { name: "Sign in" }).waitFor();
  await page.getByText("You are signed out").waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.length), 0);
  await page.goto(`${stack.url}/#/send`);
  await page.getByRole("heading", { name: "Sign in" }).waitFor();

  // A session whose token stops working (here: a stale token in storage) ends with a message.
  await page.evaluate(() => sessionStorage.setItem("push-admin.session", "revoked-token"));
  await page.reload();
  await page.getByText("no longer accepts the admin token").waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.length), 0);

  assert.ok(!consoleText.some((t) => t.includes(stack.adminToken)), "never logged by the page");
  // Nor by the Worker (the stack collects every line it prints).
  if (Array.isArray(stack.logs))
    assert.ok(!stack.logs.some((line) => line.includes(stack.adminToken)), "never in the Worker's logs");
  // The 401s above are expected answers; any other console error is a bug.
  assert.deepEqual(unexpected(problems, [401]), []);
  await context.close();
});
