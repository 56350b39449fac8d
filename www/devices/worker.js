// Devices registering themselves: a mobile app calls `POST /devices` on every launch with its
// current push token (tokens change; Apple says to always send the latest), and this Worker
// validates it with the token core and registers it with Twilio through `PushClient`.
//
//   POST /devices   Authorization: Bearer <APP_API_KEY>
//   { "token": "<as the app got it>", "provider": "APN" | "FCM" (optional), "appName": "my_app" }
//   → 200 { "token": "<canonical>", "provider": "APN", "registrationId": "comms_device_registration_…", "userId": "…" }
//
// Authentication: the app sends a shared key (APP_API_KEY, a Worker secret). That only proves
// the caller is a build of your app. To tie devices to your users, replace `authenticate` with
// a check of your own session or JWT (e.g. verify it with crypto.subtle and read the user's
// Twilio userId from your user record), and pass that `userId` to `registerDevice`.
//
// Repeat calls with the same token do not create duplicates: a device is identified by its
// canonical token and provider within an app, so registering it again returns the existing
// registration. Different spellings of one APNs token (upper case, <…> groups) are the same
// device because the token core normalizes them first.
import { PushClient, inspectToken, constantTimeEqual } from "twilio-push-wasm";

let client;
function clientFor(env) {
  client ??= new PushClient({
    baseUrl: env.TWILIO_BASE_URL || "https://comms.twilio.com/v1",
    auth: { username: env.TWILIO_ACCOUNT_SID, password: env.TWILIO_AUTH_TOKEN },
    timeoutMs: 10000,
  });
  return client;
}

const json = (status, body) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store" },
  });
const problem = (status, code, message, extra = {}) => json(status, { code, message, status, ...extra });

function authenticate(request, env) {
  if (!env.APP_API_KEY) return problem(503, "NOT_CONFIGURED", "APP_API_KEY is not configured.");
  const header = request.headers.get("authorization") ?? "";
  const token = header.slice(0, 7).toLowerCase() === "bearer " ? header.slice(7) : "";
  if (!constantTimeEqual(token, env.APP_API_KEY)) {
    return problem(401, "UNAUTHORIZED", "Send 'Authorization: Bearer <app key>'.");
  }
  return null;
}

export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    if (pathname !== "/devices") return problem(404, "NOT_FOUND", "Only POST /devices is served here.");
    if (request.method !== "POST") return problem(405, "METHOD_NOT_ALLOWED", "Use POST.");
    const denied = authenticate(request, env);
    if (denied) return denied;
    if (!(request.headers.get("content-type") ?? "").toLowerCase().startsWith("application/json")) {
      return problem(415, "UNSUPPORTED_MEDIA_TYPE", "Send JSON with Content-Type: application/json.");
    }
    const text = await request.text();
    if (text.length > 16384) return problem(413, "PAYLOAD_TOO_LARGE", "The body is too large.");
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      return problem(400, "INVALID_JSON", "The body is not valid JSON.");
    }
    const { token, provider, appName } = body ?? {};
    if (
      typeof token !== "string" ||
      typeof appName !== "string" ||
      (provider != null && typeof provider !== "string")
    ) {
      return problem(400, "VALIDATION_ERROR", 'Send { token: string, provider?: "APN" | "FCM", appName: string }.');
    }
    let report;
    try {
      report = inspectToken(token, provider ?? undefined);
    } catch (e) {
      return problem(400, e.code ?? "VALIDATION_ERROR", e.message, { field: "provider" });
    }
    if (!report.ok) {
      return problem(400, report.error.code, report.error.message, { field: "token", position: report.error.position });
    }
    try {
      const api = clientFor(env);
      const written = await api.registerDevice({ appName, token: report.token, provider: report.provider });
      const registration = await api.getDeviceRegistration({ deviceRegistrationId: written.resourceId });
      return json(200, {
        token: report.token,
        provider: report.provider,
        registrationId: written.resourceId,
        userId: registration.userId,
        warnings: report.warnings.map((w) => w.code),
      });
    } catch (e) {
      const status = e.code === "VALIDATION_ERROR" ? 400 : e.status && e.status < 500 ? e.status : 502;
      return problem(status, e.code ?? "INTERNAL_ERROR", e.message, e.field ? { field: e.field } : {});
    }
  },
};
