// Test data generated at test time (never committed): device tokens, import files, credentials.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ROOT } from "./stack.mjs";

export const FIXTURES = join(ROOT, "test-results", "e2e-fixtures");

/** A unique, valid 32-byte APNs token (lowercase hex). */
export const apnToken = (i, salt = 0) => (salt * 1_000_003 + i + 1).toString(16).padStart(64, "0");

/** A unique FCM registration token in the current shape: `<22-char installation id>:APA91b…`. */
export const fcmToken = (i, salt = "c") =>
  `${(salt + i.toString(36)).padEnd(22, "Q")}:${`APA91b${i.toString(36)}_`.padEnd(140, "xY9-")}`;

export const UNKNOWN_USER = "comms_pushnotificationuser_01h9krwprkeee8fzqspvwy6nq8";

const INVALID = [
  // [token, provider, expected code]
  ["{length = 32, bytes = 0x965b251c 6cb1926d ... 5f857679 376eab7c }", "APN", "TRUNCATED_DESCRIPTION"],
  ["965b251c6cb1926de3cb366fdb3f9ae4a2d3e6b0bbd8eb0b9dcea8d3e4377c2g", "", "INVALID_CHARACTER"],
  ["32 bytes", "", "DESCRIPTION_WITHOUT_BYTES"],
  [null, "APN", "PROVIDER_MISMATCH"], // an FCM token declared as APN
];

/**
 * A CSV of `rows` data rows (header `token,provider,userId`) with every kind of row a real
 * export has: valid APN and FCM tokens (with and without a provider column value), invalid
 * tokens, duplicates (an APN token again in upper case, an FCM token again exactly), rows for a
 * user that does not exist (the API answers 404) and rows with an unusable provider value.
 * Returns the CSV text and what a correct import must report.
 */
export function importCsv(rows = 10_000) {
  const lines = ["token,provider,userId"];
  const expected = { rows, invalid: 0, duplicates: 0, skippedProvider: 0, failed: 0, valid: 0, failures: [] };
  const uniques = [];
  let n = 0;
  for (let i = 0; i < rows; i++) {
    const line = i + 2; // the header is line 1
    if (i % 50 === 7) {
      const [token, provider, code] = INVALID[((i / 50) % INVALID.length) | 0];
      const t = token ?? fcmToken(900_000 + i);
      lines.push(`"${t}",${provider},`);
      expected.invalid++;
      expected.failures.push({ line, code });
    } else if (i % 40 === 13 && uniques.length > 10) {
      const first = uniques[uniques.length - 1 - (i % 7)];
      lines.push(`${first.provider === "APN" ? first.token.toUpperCase() : first.token},${first.provider},`);
      expected.duplicates++;
    } else if (i % 500 === 250) {
      lines.push(`${apnToken(800_000 + i)},sms,`);
      expected.skippedProvider++;
      expected.failures.push({ line, code: "INVALID_PROVIDER" });
    } else if (i % 200 === 99) {
      lines.push(`${apnToken(700_000 + i)},APN,${UNKNOWN_USER}`);
      expected.valid++;
      expected.failed++;
      expected.failures.push({ line, code: "API_ERROR" });
    } else {
      const provider = n % 2 === 0 ? "APN" : "FCM";
      const token = provider === "APN" ? apnToken(n) : fcmToken(n);
      // Half the rows name their provider, half leave it to detection.
      lines.push(`${token},${n % 4 < 2 ? provider : ""},`);
      uniques.push({ token, provider });
      expected.valid++;
      n++;
    }
  }
  expected.imported = expected.valid - expected.failed;
  expected.skipped = expected.invalid + expected.skippedProvider;
  expected.failures.sort((a, b) => a.line - b.line);
  return { text: `${lines.join("\n")}\n`, expected };
}

export async function writeFixture(name, content) {
  await mkdir(FIXTURES, { recursive: true });
  const path = join(FIXTURES, name);
  await writeFile(path, content);
  return path;
}

/** Fake but well-formed credential files (the emulator checks shape, never real secrets). */
export const CERT_PEM =
  "-----BEGIN CERTIFICATE-----\nRTJFLVRFU1QtQ0VSVElGSUNBVEUtTk9ULUEtUkVBTC1DRVJUSUZJQ0FURQ==\n-----END CERTIFICATE-----\n";
export const KEY_PEM =
  "-----BEGIN PRIVATE KEY-----\nRTJFLVRFU1QtUFJJVkFURS1LRVktTk9ULUEtUkVBTC1LRVktQVRBTEw=\n-----END PRIVATE KEY-----\n";
export const SERVICE_ACCOUNT = JSON.stringify(
  {
    type: "service_account",
    project_id: "e2e-test-project",
    private_key_id: "0123456789abcdef0123456789abcdef01234567",
    private_key: KEY_PEM,
    client_email: "e2e@e2e-test-project.iam.gserviceaccount.com",
    client_id: "123456789012345678901",
  },
  null,
  2,
);
