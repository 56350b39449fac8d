// @ts-check
// Limits, ID prefixes and the enumerations of the emulated API, shared by every module.

/** The API error code of each HTTP status the emulator answers with (reference §7). */
export const ERROR_CODES = Object.freeze({
  400: 20001,
  401: 20003,
  404: 20404,
  405: 20004,
  409: 20409,
  429: 20429,
  500: 20500,
  503: 20503,
});

export const ID_PREFIXES = Object.freeze({
  pushNotification: "comms_pushnotification_",
  operation: "comms_operation_",
  deviceRegistration: "comms_device_registration_",
  user: "comms_pushnotificationuser_",
  credential: "comms_credential_",
});

export const FAULT_KINDS = Object.freeze(["429", "500", "503", "slow", "drop", "drop-after"]);
/** The kinds a random fault picks from unless configured: a lost response only on request. */
export const DEFAULT_RATE_KINDS = Object.freeze(["429", "500", "503", "slow", "drop"]);

export const LIMITS = Object.freeze({
  recipientsPerSend: 10000,
  apps: 10,
  credentialsPerApp: 10,
  devicesPerRegistration: 50,
  tags: 10,
  tagKeyLength: 128,
  tagValueLength: 256,
  tokenLength: 4096,
  appNameLength: 64,
  pageSizeDefault: 50,
  pageSizeMax: 1000,
  // Bounded so a long-lived isolate cannot grow without limit; tests read far fewer entries.
  logEntries: 5000,
  // A 10,000-recipient send can have 10,000 problems; the first 100 are enough to act on.
  reportedProblems: 100,
});

export const APP_NAME_RE = /^[a-z0-9_]+$/;
export const HEX_RE = /^[0-9a-fA-F]+$/;
export const FCM_TOKEN_RE = /^[A-Za-z0-9_:-]+$/;
export const ISO_DATE_RE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** @type {readonly Provider[]} */
export const PROVIDERS = Object.freeze(["APN", "FCM"]);
/** @type {readonly CredentialType[]} */
export const CREDENTIAL_TYPES = Object.freeze(["APN", "APN_SANDBOX", "FCM"]);
export const PRIORITIES = Object.freeze(["HIGH", "LOW"]);
export const NOTIFICATION_STATUSES = Object.freeze(["SCHEDULED", "QUEUED", "SENT", "FAILED", "CANCELED"]);
export const OPERATION_STATUSES = Object.freeze(["SCHEDULED", "PROCESSING", "COMPLETED", "CANCELED"]);

/** @typedef {"APN" | "FCM"} Provider */
/** @typedef {"APN" | "APN_SANDBOX" | "FCM"} CredentialType */
