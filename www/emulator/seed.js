// @ts-check
// The demo data of `POST /__emulator/seed` and the fake credential material it uses (also handy
// for tests). Clearly not real secrets.

import { LIMITS } from "./constants.js";
import { ApiError } from "./http.js";
import { addDevice, createCredentialRecord, createUser, setDefaultApp } from "./records.js";
import { Problems, validateCredentialContent } from "./validate.js";

const FAKE_CERTIFICATE_PEM =
  "-----BEGIN CERTIFICATE-----\nRU1VTEFUT1ItRkFLRS1DRVJUSUZJQ0FURS1OT1QtQS1SRUFMLUtFWQ==\n-----END CERTIFICATE-----\n";
const FAKE_PRIVATE_KEY_PEM =
  "-----BEGIN RSA PRIVATE KEY-----\nRU1VTEFUT1ItRkFLRS1QUklWQVRFLUtFWS1OT1QtQS1SRUFMLUtFWQ==\n-----END RSA PRIVATE KEY-----\n";
const FAKE_SERVICE_ACCOUNT = {
  type: "service_account",
  project_id: "emulator-demo-project",
  private_key_id: "0000000000000000000000000000000000000000",
  private_key: FAKE_PRIVATE_KEY_PEM.replace("RSA PRIVATE KEY", "PRIVATE KEY").replace("RSA PRIVATE KEY", "PRIVATE KEY"),
  client_email: "emulator-demo@emulator-demo-project.iam.gserviceaccount.com",
  client_id: "000000000000000000000",
};

/**
 * Returns a valid-looking but fake `content` object for a credential type ("APN", "APN_SANDBOX", "FCM").
 * @param {string} credentialType
 * @returns {{ certificate: string, privateKey: string } | { privateKey: string }}
 */
export function fakeCredentialContent(credentialType) {
  if (credentialType === "FCM") return { privateKey: btoa(JSON.stringify(FAKE_SERVICE_ACCOUNT)) };
  return { certificate: btoa(FAKE_CERTIFICATE_PEM), privateKey: btoa(FAKE_PRIVATE_KEY_PEM) };
}

/** The seed's app name and device tokens (a 64-hex APN token and a 169-character FCM token). */
export const SEED = Object.freeze({
  appName: "demo_app",
  apnToken: "5f2c0d8e9a1b3c4d6e7f80912a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d",
  fcmToken:
    "fDemoSeedInstallId01x:APA91bHk3YwQ9pLmN2sR7tVxZ0aB4cD6eF8gH1iJ3kL5mN7oP9qR_sT2uV4wX6yZ8aB0cD2eF4gH6iJ8kL0mN2oP4qR6sT8uV0wX2yZ4aB6cD8eF0gH2iJ4kL6mN8oP0qR2sT4uV6wX8yZ0a-Bc",
});

/**
 * Creates `demo_app` (made the default) with a default APN and FCM credential, one user and one
 * registration with an APN and an FCM device. 409 if `demo_app` exists.
 * @param {import("./store.js").Context} emu
 */
export function seed(emu) {
  const { state } = emu;
  if (state.apps.has(SEED.appName)) {
    throw new ApiError(409, `${SEED.appName} already exists: POST /__emulator/reset first to seed again`);
  }
  if (state.apps.size >= LIMITS.apps)
    throw new ApiError(400, `Cannot seed: the account already has ${LIMITS.apps} apps`);
  const p = new Problems();
  for (const type of ["APN", "FCM"]) validateCredentialContent(type, fakeCredentialContent(type), p);
  p.throwIfAny(); // guards the fake material against drifting from the validator
  const common = { appName: SEED.appName, isDefault: true, tags: null };
  const apn = createCredentialRecord(emu, { ...common, credentialType: "APN" });
  const fcm = createCredentialRecord(emu, { ...common, credentialType: "FCM" });
  setDefaultApp(emu, SEED.appName);
  const app = /** @type {import("./store.js").App} */ (state.apps.get(SEED.appName));
  const user = createUser(emu);
  addDevice(emu, user, app, SEED.apnToken, "APN");
  const reg = addDevice(emu, user, app, SEED.fcmToken, "FCM");
  return {
    appName: SEED.appName,
    credentialIds: { apn: apn.id, fcm: fcm.id },
    userId: user.id,
    registrationId: reg.id,
    tokens: { apn: SEED.apnToken, fcm: SEED.fcmToken },
  };
}
