//! The TypeScript declarations of the API exports (wasm-bindgen cannot express their optional
//! arguments, unions and result shapes).

use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const API_TYPES: &'static str = r#"
/** Every operation of the Twilio Push Notifications API, by its JS name. */
export type OperationName =
  | "sendPush" | "listPushNotifications" | "fetchPushNotification"
  | "listOperations" | "fetchOperation" | "listOperationErrors"
  | "listDeviceRegistrations" | "registerDevice" | "getDeviceRegistration" | "deleteDeviceRegistration"
  | "listCredentials" | "createCredential" | "fetchCredential" | "updateCredential" | "deleteCredential"
  | "listApps" | "fetchApp" | "updateApp"
  | "listUsers" | "fetchUser" | "deleteUser";

/** JSON data as the API sends it. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** HTTP Basic auth: Account SID + Auth Token, or API Key SID + API Key Secret. */
export interface BasicAuth {
  username: string;
  password: string;
}

/** `Authorization: Bearer <token>` (e.g. for the edge proxy). */
export interface BearerAuth {
  bearer: string;
}

/** Where requests go and how they authenticate. */
export interface ApiConfig {
  /**
   * Default "https://comms.twilio.com/v1". An absolute http(s) URL, or a path such as
   * "/api/v1" for same-origin use through the proxy (URLs are then path-absolute).
   */
  baseUrl?: string;
  auth?: BasicAuth | BearerAuth;
}

/** A request ready for `fetch(url, { method, headers, body })`. */
export interface HttpRequest {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  url: string;
  /** `Accept` always; `Content-Type` when there is a body; `Authorization` when auth is set. */
  headers: Record<string, string>;
  /** Compact JSON, or null for GET and DELETE. */
  body: string | null;
}

export type Priority = "HIGH" | "LOW";
export type NotificationStatus = "SCHEDULED" | "QUEUED" | "SENT" | "FAILED" | "CANCELED";
export type OperationStatus = "SCHEDULED" | "PROCESSING" | "COMPLETED" | "CANCELED";
export type CredentialType = "APN" | "APN_SANDBOX" | "FCM";
/** At most 10 tags; keys 1–128 characters, values at most 256. */
export type Tags = Record<string, string>;
/** An ISO 8601 date-time with a time zone (e.g. "2024-01-15T09:30:00Z"), or a Date. */
export type DateTimeInput = string | Date;

/** A device. APNs tokens in any accepted form are sent as lowercase hex. */
export interface DeviceRecipient {
  token: string;
  provider: Provider;
}

/** Every device registered to this User under the sending App. */
export interface UserRecipient {
  userId: string;
}

export type Recipient = DeviceRecipient | UserRecipient;

/** At least one of `title` and `body` must be non-blank. */
export interface PushContent {
  title?: string | null;
  body?: string | null;
}

/** Credential IDs per provider. */
export interface CredentialSender {
  apn?: string | null;
  fcm?: string | null;
}

/** An App by name: its default credentials. */
export interface AppSender {
  appName: string;
}

/**
 * When to send: date-times that are intersected (the Comms scheduling shape; without a time
 * zone a value is localized per recipient). Passed through as given.
 */
export interface PushSchedule {
  sendAt: string[];
}

export interface SendPushParams {
  /** 1 to 10,000 recipients (use `PushClient.sendPushInBatches` for more). */
  to: Recipient[];
  content: PushContent;
  /** Omitted: the account's default App. */
  from?: CredentialSender | AppSender | null;
  /** Default "HIGH". */
  priority?: Priority | null;
  sound?: string | null;
  tags?: Tags | null;
  schedule?: PushSchedule | null;
}

export interface PageParams {
  /** `nextPageToken` of the previous page. */
  pageToken?: string | null;
  /** 1–1000 (the API's default is 50). */
  pageSize?: number | null;
}

export interface DateRangeParams {
  startDate?: DateTimeInput | null;
  endDate?: DateTimeInput | null;
}

export interface ListPushNotificationsParams extends PageParams, DateRangeParams {
  operationId?: string | null;
  status?: NotificationStatus | null;
  /** `{ key: value }` (sent as "key:value;" pairs) or the "key_1:value;key_2:value;" string. */
  tags?: Tags | string | null;
  /** A User ID. */
  user?: string | null;
  provider?: Provider | null;
}

export interface FetchPushNotificationParams {
  pushNotificationId: string;
}

export interface ListOperationsParams extends PageParams, DateRangeParams {
  status?: OperationStatus | null;
}

export interface FetchOperationParams {
  operationId: string;
}

export interface ListOperationErrorsParams extends PageParams {
  operationId: string;
}

export interface ListDeviceRegistrationsParams extends PageParams {
  userId: string;
  appName?: string | null;
}

export interface RegisterDeviceParams {
  /** `^[a-z0-9_]+$`, 1–64 characters; the App must exist. */
  appName: string;
  token: string;
  provider: Provider;
  /** Omitted: a new User is created. */
  userId?: string | null;
}

export interface DeviceRegistrationIdParams {
  deviceRegistrationId: string;
}

export interface ListCredentialsParams extends PageParams, DateRangeParams {
  appName?: string | null;
  credentialType?: CredentialType | null;
  isDefault?: boolean | null;
}

/** Base64 of the PEM certificate and of the PEM private key (see `apnCredentialContent`). */
export interface ApnCredentialContent {
  certificate: string;
  privateKey: string;
}

/** Base64 of the whole service-account JSON file (see `fcmCredentialContent`). */
export interface FcmCredentialContent {
  privateKey: string;
}

export type CreateCredentialParams =
  | { credentialType: "APN" | "APN_SANDBOX"; content: ApnCredentialContent; appName: string; isDefault?: boolean | null }
  | { credentialType: "FCM"; content: FcmCredentialContent; appName: string; isDefault?: boolean | null };

export interface CredentialIdParams {
  credentialId: string;
}

/** At least one of `isDefault` and `tags`. */
export interface UpdateCredentialParams {
  credentialId: string;
  isDefault?: boolean | null;
  tags?: Tags | null;
}

export interface ListAppsParams extends PageParams, DateRangeParams {
  isDefault?: boolean | null;
}

export interface AppNameParams {
  appName: string;
}

export interface UpdateAppParams {
  appName: string;
  isDefault: boolean;
}

export interface ListUsersParams extends PageParams {}

export interface UserIdParams {
  userId: string;
}

/** A send was accepted: follow it with `fetchOperation`. */
export interface OperationAccepted {
  operationId: string;
  operationLocation: string | null;
}

/** What a create returned. */
export interface CreatedResource {
  resourceId: string;
  resourceLocation: string | null;
}

/** What an update or delete returned (`null` when the API sent no body). */
export interface ChangedResource {
  resourceId: string | null;
  resourceLocation: string | null;
}

export interface Pagination {
  /** A page token or a URL; null on the last page. */
  next: string | null;
  self: string | null;
}

/** One page. `items` is also available under the collection's own key (same array). */
export interface ListPage<T> {
  items: T[];
  /** The key the items came under, e.g. "deviceRegistrations". */
  collection: string;
  pagination: Pagination;
  /** Pass as `pageToken` for the next page; null when there is none. */
  nextPageToken: string | null;
}

export interface PushNotificationRecord {
  id: string;
  to: DeviceRecipient | DeviceRecipient[];
  from?: CredentialSender | AppSender;
  status: NotificationStatus;
  content?: PushContent;
  priority?: Priority;
  sound?: string | null;
  tags?: Tags;
  createdAt: string;
  updatedAt: string;
  /** Fields not listed here are kept as sent. */
  [field: string]: unknown;
}

export interface OperationRecord {
  id: string;
  status: OperationStatus;
  /** total, recipients, unaddressable, scheduled, queued, sent, failed, canceled, … */
  stats: Record<string, number>;
  createdAt: string;
  updatedAt: string;
  [field: string]: unknown;
}

export interface DeviceRegistrationRecord {
  id: string;
  appName: string;
  userId: string;
  devices: { token: string; provider?: Provider; [field: string]: unknown }[];
  [field: string]: unknown;
}

export interface CredentialRecord {
  id: string;
  credentialType: CredentialType;
  isDefault: boolean;
  appName: string;
  createdAt: string;
  updatedAt: string;
  [field: string]: unknown;
}

export interface AppRecord {
  name: string;
  isDefault: boolean;
  defaultCredentials: unknown[];
  createdAt: string;
  updatedAt: string;
  [field: string]: unknown;
}

export interface UserRecord {
  id: string;
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
  [field: string]: unknown;
}

export type PushNotificationPage = ListPage<PushNotificationRecord> & {
  pushNotifications?: PushNotificationRecord[];
  notifications?: PushNotificationRecord[];
};
export type OperationPage = ListPage<OperationRecord> & { operations?: OperationRecord[] };
export type OperationErrorPage = ListPage<PushNotificationRecord> & { errors?: PushNotificationRecord[] };
export type DeviceRegistrationPage = ListPage<DeviceRegistrationRecord> & { deviceRegistrations?: DeviceRegistrationRecord[] };
export type CredentialPage = ListPage<CredentialRecord> & { credentials?: CredentialRecord[] };
export type AppPage = ListPage<AppRecord> & { apps?: AppRecord[] };
export type UserPage = ListPage<UserRecord> & { users?: UserRecord[] };

/** The params of each operation. */
export interface OperationParams {
  sendPush: SendPushParams;
  listPushNotifications: ListPushNotificationsParams;
  fetchPushNotification: FetchPushNotificationParams;
  listOperations: ListOperationsParams;
  fetchOperation: FetchOperationParams;
  listOperationErrors: ListOperationErrorsParams;
  listDeviceRegistrations: ListDeviceRegistrationsParams;
  registerDevice: RegisterDeviceParams;
  getDeviceRegistration: DeviceRegistrationIdParams;
  deleteDeviceRegistration: DeviceRegistrationIdParams;
  listCredentials: ListCredentialsParams;
  createCredential: CreateCredentialParams;
  fetchCredential: CredentialIdParams;
  updateCredential: UpdateCredentialParams;
  deleteCredential: CredentialIdParams;
  listApps: ListAppsParams;
  fetchApp: AppNameParams;
  updateApp: UpdateAppParams;
  listUsers: ListUsersParams;
  fetchUser: UserIdParams;
  deleteUser: UserIdParams;
}

/** What `parseResponse` (and the client) returns for each operation. */
export interface OperationResults {
  sendPush: OperationAccepted;
  listPushNotifications: PushNotificationPage;
  fetchPushNotification: PushNotificationRecord;
  listOperations: OperationPage;
  fetchOperation: OperationRecord;
  listOperationErrors: OperationErrorPage;
  listDeviceRegistrations: DeviceRegistrationPage;
  registerDevice: CreatedResource;
  getDeviceRegistration: DeviceRegistrationRecord;
  deleteDeviceRegistration: ChangedResource;
  listCredentials: CredentialPage;
  createCredential: CreatedResource;
  fetchCredential: CredentialRecord;
  updateCredential: ChangedResource;
  deleteCredential: ChangedResource;
  listApps: AppPage;
  fetchApp: AppRecord;
  updateApp: ChangedResource;
  listUsers: UserPage;
  fetchUser: UserRecord;
  deleteUser: ChangedResource;
}

/** Stable codes of the errors thrown by the builders, `parseResponse` and `PushClient`. */
export type ApiErrorCode =
  | "VALIDATION_ERROR" | "API_ERROR" | "INVALID_RESPONSE" | "NETWORK_ERROR" | "TIMEOUT"
  | "INVALID_ARGUMENT" | "UNKNOWN_OPERATION";

/** A param broke a rule; nothing was sent. */
export interface ValidationError extends Error {
  name: "ValidationError";
  code: "VALIDATION_ERROR";
  /** Path of the offending field, e.g. "to[3].token", "tags.region", "pageSize". */
  field: string;
  /** For a refused device token: the token error's code. */
  tokenCode?: TokenErrorCode;
}

/** The API answered with an error status. */
export interface ApiError extends Error {
  name: "ApiError";
  code: "API_ERROR";
  status: number;
  /** Twilio's numeric error code, e.g. 20429. */
  twilioCode: number | null;
  moreInfo: string | null;
  /** Seconds from the Retry-After header. */
  retryAfter: number | null;
  /** True for 429 and 503. */
  retryable: boolean;
  /** The error body, when it was JSON. */
  body?: { [key: string]: JsonValue };
  /** Requests made, when thrown by `PushClient`. */
  attempts?: number;
}

/** A 2xx response whose body was not what the operation returns. */
export interface InvalidResponseError extends Error {
  name: "ApiError";
  code: "INVALID_RESPONSE";
  status: number;
  retryable: false;
  attempts?: number;
}

/** No response (connection refused, DNS, CORS, dropped). */
export interface NetworkError extends Error {
  name: "ApiError";
  code: "NETWORK_ERROR";
  retryable: true;
  attempts?: number;
}

/** No response within `timeoutMs`. */
export interface TimeoutError extends Error {
  name: "ApiError";
  code: "TIMEOUT";
  timeoutMs: number;
  retryable: true;
  attempts?: number;
}

export interface UnknownOperationError extends TypeError {
  code: "UNKNOWN_OPERATION";
  operation: string;
}

/** Anything the builders, `parseResponse` or `PushClient` throw. */
export type PushApiError =
  | ValidationError | ApiError | InvalidResponseError | NetworkError | TimeoutError
  | InvalidArgumentError | UnknownOperationError;

/** Response headers: a `Headers` object, a plain object or [name, value] pairs. */
export type HeadersLike = Record<string, string> | Iterable<readonly [string, string]>;

/** @throws {ValidationError | InvalidArgumentError} */
export function buildSendPushRequest(params: SendPushParams, config?: ApiConfig | null): HttpRequest;
export function buildListPushNotificationsRequest(params?: ListPushNotificationsParams | null, config?: ApiConfig | null): HttpRequest;
export function buildFetchPushNotificationRequest(params: FetchPushNotificationParams, config?: ApiConfig | null): HttpRequest;
export function buildListOperationsRequest(params?: ListOperationsParams | null, config?: ApiConfig | null): HttpRequest;
export function buildFetchOperationRequest(params: FetchOperationParams, config?: ApiConfig | null): HttpRequest;
export function buildListOperationErrorsRequest(params: ListOperationErrorsParams, config?: ApiConfig | null): HttpRequest;
export function buildListDeviceRegistrationsRequest(params: ListDeviceRegistrationsParams, config?: ApiConfig | null): HttpRequest;
export function buildRegisterDeviceRequest(params: RegisterDeviceParams, config?: ApiConfig | null): HttpRequest;
export function buildGetDeviceRegistrationRequest(params: DeviceRegistrationIdParams, config?: ApiConfig | null): HttpRequest;
export function buildDeleteDeviceRegistrationRequest(params: DeviceRegistrationIdParams, config?: ApiConfig | null): HttpRequest;
export function buildListCredentialsRequest(params?: ListCredentialsParams | null, config?: ApiConfig | null): HttpRequest;
export function buildCreateCredentialRequest(params: CreateCredentialParams, config?: ApiConfig | null): HttpRequest;
export function buildFetchCredentialRequest(params: CredentialIdParams, config?: ApiConfig | null): HttpRequest;
export function buildUpdateCredentialRequest(params: UpdateCredentialParams, config?: ApiConfig | null): HttpRequest;
export function buildDeleteCredentialRequest(params: CredentialIdParams, config?: ApiConfig | null): HttpRequest;
export function buildListAppsRequest(params?: ListAppsParams | null, config?: ApiConfig | null): HttpRequest;
export function buildFetchAppRequest(params: AppNameParams, config?: ApiConfig | null): HttpRequest;
export function buildUpdateAppRequest(params: UpdateAppParams, config?: ApiConfig | null): HttpRequest;
export function buildListUsersRequest(params?: ListUsersParams | null, config?: ApiConfig | null): HttpRequest;
export function buildFetchUserRequest(params: UserIdParams, config?: ApiConfig | null): HttpRequest;
export function buildDeleteUserRequest(params: UserIdParams, config?: ApiConfig | null): HttpRequest;

/** Builds the request of any operation. @throws {UnknownOperationError | ValidationError | InvalidArgumentError} */
export function buildRequest<O extends OperationName>(operation: O, params: OperationParams[O], config?: ApiConfig | null): HttpRequest;

/**
 * Reads a response (`bodyText` is `await response.text()`).
 * @throws {ApiError} for a non-2xx status; {InvalidResponseError} for a 2xx with an unexpected body.
 */
export function parseResponse<O extends OperationName>(
  operation: O,
  status: number,
  headers: HeadersLike | null | undefined,
  bodyText: string | null | undefined,
): OperationResults[O];

/**
 * `content` for an APN/APN_SANDBOX credential from the PEM texts. Checks that each is the right
 * kind of PEM block; errors never contain the secrets.
 * @throws {ValidationError} with `field` "certificatePem" or "privateKeyPem".
 */
export function apnCredentialContent(certificatePem: string, privateKeyPem: string): ApnCredentialContent;

/**
 * `content` for an FCM credential from the service-account JSON text (the whole file).
 * @throws {ValidationError} with `field` "serviceAccountJson" or "serviceAccountJson.<key>".
 */
export function fcmCredentialContent(serviceAccountJson: string): FcmCredentialContent;
"#;
