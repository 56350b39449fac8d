// @ts-check
// Credential files: what a chosen or dropped file holds (a PEM certificate, a PEM private key,
// a service-account JSON), checked when it is chosen so a wrong file is refused at once.
import { fcmCredentialContent } from "twilio-push-wasm";
import { errorMessage } from "../../lib/ui.js";

/**
 * @typedef {"certificatePem" | "privateKeyPem" | "serviceAccountJson"} Slot
 * @typedef {{ certificatePem: string | null, privateKeyPem: string | null,
 *   serviceAccountJson: string | null, names: Partial<Record<Slot, string>> }} Loaded
 * @typedef {{ type?: "FCM" | "APN", problem?: { slot: Slot, message: string } }} Outcome
 */

/**
 * PEM blocks in a file: a file may hold the certificate, the key, or both.
 * @param {string} text
 */
export function pemBlocks(text) {
  const blocks = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
  for (const m of text.matchAll(re)) blocks.push({ label: m[1], pem: m[0] });
  return blocks;
}

/**
 * Why `text` is not a Firebase service-account file, in words (null when it is one): the
 * package's own check, its internal field prefix turned into words by errorMessage.
 * @param {string} text
 */
export function serviceAccountProblem(text) {
  try {
    fcmCredentialContent(text);
    return null;
  } catch (err) {
    return errorMessage(err);
  }
}

/**
 * Takes a service-account JSON into `loaded`, or says why it is refused.
 * @param {Loaded} loaded
 * @param {string} name
 * @param {string} text
 * @returns {Outcome}
 */
function takeJson(loaded, name, text) {
  const problem = serviceAccountProblem(text);
  loaded.serviceAccountJson = problem ? null : text;
  if (problem) delete loaded.names.serviceAccountJson;
  else loaded.names.serviceAccountJson = name;
  return { type: "FCM", problem: problem ? { slot: "serviceAccountJson", message: `${name}: ${problem}` } : undefined };
}

/**
 * Why a PEM file does not fit the input it was chosen in, or null.
 * @param {Slot | undefined} slot
 * @param {boolean} hasCert
 * @param {boolean} hasKey
 */
function wrongSlot(slot, hasCert, hasKey) {
  if (slot === "certificatePem" && !hasCert)
    return hasKey
      ? "is a private key, not a certificate: choose it under Private key."
      : "holds no certificate (no -----BEGIN CERTIFICATE----- block).";
  if (slot === "privateKeyPem" && !hasKey)
    return hasCert
      ? "is a certificate, not a private key: choose it under Certificate."
      : "holds no private key (no -----BEGIN PRIVATE KEY----- block).";
  return null;
}

/**
 * Takes the certificate and/or key a PEM file holds into `loaded`, or says why it is refused.
 * @param {Loaded} loaded
 * @param {string} name
 * @param {string} text
 * @param {Slot | undefined} slot  the input it was chosen in (none when dropped)
 * @returns {Outcome}
 */
function takePem(loaded, name, text, slot) {
  const blocks = pemBlocks(text);
  const cert = blocks.find((b) => b.label === "CERTIFICATE");
  const key = blocks.find((b) => /PRIVATE KEY$/.test(b.label));
  const wrong = wrongSlot(slot, Boolean(cert), Boolean(key));
  if (wrong && slot) return { problem: { slot, message: `${name} ${wrong}` } };
  if (!cert && !key)
    return {
      problem: {
        slot: "certificatePem",
        message: `${name} holds no PEM certificate or private key (no -----BEGIN … ----- block).`,
      },
    };
  if (cert && slot !== "privateKeyPem") {
    loaded.certificatePem = cert.pem;
    loaded.names.certificatePem = name;
  }
  if (key && slot !== "certificatePem") {
    loaded.privateKeyPem = key.pem;
    loaded.names.privateKeyPem = name;
  }
  return { type: "APN" };
}

/**
 * Reads one file and files it under what it holds.
 * @param {Loaded} loaded
 * @param {File} file
 * @param {Slot | undefined} slot
 * @returns {Promise<Outcome>}
 */
export async function takeFile(loaded, file, slot) {
  let text;
  try {
    text = await file.text();
  } catch (err) {
    return {
      problem: { slot: slot ?? "certificatePem", message: `${file.name} could not be read: ${errorMessage(err)}` },
    };
  }
  if (slot === "serviceAccountJson" || file.name.toLowerCase().endsWith(".json") || text.trimStart().startsWith("{"))
    return takeJson(loaded, file.name, text);
  return takePem(loaded, file.name, text, slot);
}
