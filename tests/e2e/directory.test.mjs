// The Directory section: search by a token in another spelling or by your user ID, see your
// user ID next to the Twilio one with device counts and last seen, the move in a token's
// history, the users list, and the mapping export.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { seedDirectory } from "../../scripts/dev.mjs";
import {
  startStackAndBrowser,
  closeStackAndBrowser,
  openApp,
  signIn,
  screenshotsAtBothWidths,
  unexpected,
  paste,
  emulator,
} from "./support/stack.mjs";

let stack;
let browser;
let tokens;
before(async () => {
  ({ stack, browser } = await startStackAndBrowser());
  tokens = await seedDirectory(stack.directory);
});
after(() => closeStackAndBrowser({ stack, browser }));

test("directory: search by token or user ID, the move in the history, users, export", async () => {
  const { page, context, problems } = await openApp(browser, stack);
  await signIn(page, stack.adminToken);
  await page.getByRole("link", { name: "Directory" }).click();
  await page.getByRole("heading", { name: "Directory", level: 1 }).waitFor();

  await page.getByRole("button", { name: "Search" }).click();
  await page.locator('[data-field="q"] .field-error').getByText("Enter a token or your user ID").waitFor();

  // carol's second token, moved to bob, typed as <…> groups in upper case.
  const moved = tokens.carol[1];
  const spelled = `<${moved.toUpperCase().match(/.{8}/g).join(" ")}>`;
  const box = page.getByRole("textbox", { name: "Token or your user ID" });
  await box.fill(spelled);
  await page.getByRole("button", { name: "Search" }).click();
  const tokenCard = page.locator("section.card", { has: page.getByRole("heading", { name: "Token", exact: true }) });
  await tokenCard.locator(`code[title="${moved}"]`).first().waitFor();
  const where = tokenCard.getByRole("table", { name: "Where the token is" });
  await where.getByRole("cell", { name: "bob" }).waitFor();
  const history = tokenCard.getByRole("table", { name: "History of the token" });
  const moveRow = history.locator("tr", { has: page.locator('[data-event="moved"]') });
  await moveRow.locator('code[title="carol"]').waitFor();
  await moveRow.locator('code[title="bob"]').waitFor();
  const bobCard = page.locator('[data-directory-user="bob"]');
  await bobCard
    .getByText(/^comms_pushnotificationuser_/)
    .first()
    .waitFor();
  assert.equal(await bobCard.locator('[data-stat="devices"]').textContent(), "2");
  await screenshotsAtBothWidths(page, "directory-token");

  // By your user ID: alice has two devices left (one signed out) and her Twilio user ID.
  await box.fill("alice");
  await page.getByRole("button", { name: "Search" }).click();
  const alice = page.locator('[data-directory-user="alice"]');
  await alice.waitFor();
  assert.equal(await alice.locator('[data-stat="devices"]').textContent(), "2");
  await alice.locator('[data-event="signed_out"]').waitFor();
  const twilioId = await alice.locator("dd code").nth(1).getAttribute("title");
  assert.match(twilioId, /^comms_pushnotificationuser_/);

  // The users list: your user ID next to the Twilio one, device counts, last seen.
  await page.getByRole("button", { name: "Show users" }).click();
  const users = page.getByRole("table", { name: "Users of demo_app" });
  await users.waitFor();
  const counts = await users
    .locator("tbody tr")
    .evaluateAll((rows) => rows.map((r) => [r.cells[0].textContent, r.cells[2].textContent]));
  assert.deepEqual(counts, [
    ["alice", "2"],
    ["bob", "2"],
    ["carol", "1"],
  ]);
  await users.locator("tr", { hasText: "carol" }).getByRole("button", { name: "Show" }).click();
  await page.locator('[data-directory-user="carol"]').waitFor();
  assert.equal(await box.inputValue(), "carol");
  await screenshotsAtBothWidths(page, "directory-users");

  // The export button downloads the mapping as CSV.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("button", { name: "Export CSV" }).click(),
  ]);
  const csv = await readFile(await download.path(), "utf8");
  assert.match(csv, /^appName,userId,twilioUserId,registrationId,state,provider,token,deviceStatus,lastSeenAt\r\n/);
  assert.ok(csv.includes(`demo_app,alice,${twilioId},`));
  assert.ok(csv.includes(moved));
  assert.equal(download.suggestedFilename(), "directory.csv");

  assert.deepEqual(unexpected(problems), []);
  await context.close();
});

test("registrations: a token found through the directory; users show your user ID next to Twilio's", async () => {
  const { page, context, problems } = await openApp(browser, stack);
  await signIn(page, stack.adminToken);
  await page.goto(`${stack.url}/#/registrations`);
  const find = page.getByRole("searchbox", { name: "Find a device or one of your users" });
  // carol's second token, now bob's, as a bug report might quote it: upper case, <…> groups.
  const moved = tokens.carol[1];
  await find.fill(`<${moved.toUpperCase().match(/.{8}/g).join(" ")}>`);
  await page.getByRole("button", { name: "Find", exact: true }).click();
  await page.getByRole("heading", { name: "Directory", level: 1 }).waitFor();
  const tokenCard = page.locator("section.card", { has: page.getByRole("heading", { name: "Token", exact: true }) });
  await tokenCard.getByRole("table", { name: "Where the token is" }).getByRole("cell", { name: "bob" }).waitFor();

  const res = await fetch(`${stack.url}/api/directory/lookup?q=bob`, {
    headers: { authorization: `Bearer ${stack.adminToken}` },
  });
  const bobTwilioId = (await res.json()).users[0].twilioUserId;
  assert.match(bobTwilioId, /^comms_pushnotificationuser_/);
  await page.goto(`${stack.url}/#/registrations`);
  await page.getByRole("button", { name: "Show users" }).click();
  const own = page.locator(`[data-own-user-id="${bobTwilioId}"]`);
  await own.locator("code", { hasText: "bob" }).waitFor();
  assert.equal(await own.textContent(), "bob");
  await screenshotsAtBothWidths(page, "registrations-your-user-ids");
  assert.deepEqual(unexpected(problems), []);
  await context.close();
});

test("import writes the directory: Notify identities keep their user on a re-run; plain tokens under one user ID", async () => {
  const hex = (seed) => seed.repeat(64 / seed.length);
  const ivy = [hex("1e1e0001"), hex("1e1e0002")];
  const jack = hex("3ac30001");
  const csv = `Sid,Identity,BindingType,Address\nBS1,ivy,apn,${ivy[0]}\nBS2,ivy,apn,${ivy[1].toUpperCase()}\nBS3,jack,apn,${jack}\n`;
  const lookup = async (q) => {
    const res = await fetch(`${stack.url}/api/directory/lookup?q=${encodeURIComponent(q)}`, {
      headers: { authorization: `Bearer ${stack.adminToken}` },
    });
    return (await res.json()).users[0];
  };
  const { page, context, problems } = await openApp(browser, stack);
  await signIn(page, stack.adminToken);
  await page.goto(`${stack.url}/#/import`);
  const option = page.getByLabel("Record the devices in the directory under your user IDs");
  const importOnce = async () => {
    await paste(page, page.getByLabel("Tokens or CSV"), csv);
    await page.getByTestId("import-report").getByText("Twilio Notify Bindings export (CSV)").waitFor();
    await option.check();
    await page.getByRole("button", { name: "Import 3 devices" }).click();
    await page.getByTestId("import-equation").waitFor();
    assert.equal(
      await page.getByTestId("import-equation").textContent(),
      "3 rows = 3 imported + 0 failed + 0 skipped + 0 duplicates",
    );
  };
  await option.waitFor();
  await importOnce();
  const first = await lookup("ivy");
  assert.deepEqual(first.devices.map((d) => d.token).sort(), ivy);
  assert.equal(first.source, "import");
  assert.match(first.twilioUserId, /^comms_pushnotificationuser_/);
  assert.equal((await lookup("jack")).devices.length, 1);

  // The same export again: the same Twilio users, no new ones.
  const usersBefore = (await emulator(stack, "/__emulator/stats")).users;
  await page.getByRole("button", { name: "Start a new import" }).click();
  await importOnce();
  assert.equal((await lookup("ivy")).twilioUserId, first.twilioUserId);
  assert.equal((await emulator(stack, "/__emulator/stats")).users, usersBefore);

  // Plain tokens, all under one user ID (which must be given).
  await page.getByRole("button", { name: "Start a new import" }).click();
  const plain = [hex("4b1d0001"), hex("4b1d0002")];
  await paste(page, page.getByLabel("Tokens or CSV"), plain.join("\n"));
  await page.getByRole("button", { name: "Import 2 devices" }).waitFor();
  await option.check();
  await page.getByLabel("All under one user ID").check();
  await page.getByRole("button", { name: "Import 2 devices" }).click();
  await page.getByText("Enter the user ID to import the tokens under.").waitFor();
  await screenshotsAtBothWidths(page, "directory-import");
  await page.getByLabel("Import under this user ID").fill("kim");
  await page.getByRole("button", { name: "Import 2 devices" }).click();
  await page.getByTestId("import-equation").waitFor();
  const kim = await lookup("kim");
  assert.deepEqual(kim.devices.map((d) => d.token).sort(), plain);
  assert.deepEqual(unexpected(problems), []);
  await context.close();
});
