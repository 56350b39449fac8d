/** Environment values the proxy reads (Worker secrets and variables). */
export interface ProxyEnv {
  /** Bearer token every /api/v1 request must carry; without it the proxy refuses (503). */
  ADMIN_TOKEN?: string;
  TWILIO_ACCOUNT_SID?: string;
  TWILIO_AUTH_TOKEN?: string;
  TWILIO_API_KEY?: string;
  TWILIO_API_SECRET?: string;
  /** Default https://comms.twilio.com/v1 */
  TWILIO_BASE_URL?: string;
  /** Comma-separated origins allowed cross-origin. */
  ALLOWED_ORIGINS?: string;
  MAX_BODY_BYTES?: string;
  UPSTREAM_TIMEOUT_MS?: string;
  MAX_UPSTREAM_RESPONSE_BYTES?: string;
  MAX_RETRIES?: string;
  /** Label shown by /api/health. */
  UPSTREAM_NAME?: string;
}

/** One log entry per request; never contains a credential, header or body. */
export interface ProxyLogEntry {
  method: string;
  path: string;
  status: number;
  ms?: number;
  operation?: string;
  upstreamStatus?: number;
  attempts?: number;
}

export interface ProxyOptions {
  /** Values used when the Worker env lacks them. */
  env?: ProxyEnv;
  /** How to reach the upstream (default: global fetch; e.g. a service binding). */
  fetch?: (request: Request, env: object) => Promise<Response>;
  log?: (entry: ProxyLogEntry) => void;
  /** Jitter source for retry backoff (default Math.random). */
  random?: () => number;
}

export interface ProxyHandler {
  fetch(request: Request, env?: object, ctx?: unknown): Promise<Response>;
}

/**
 * A Workers-style handler serving GET /api/health and the Twilio Push paths under
 * /api/v1/PushNotifications: authenticates the admin bearer token, validates with the same
 * Rust code as the request builders, and forwards with the Twilio credentials.
 */
export function createProxyHandler(options?: ProxyOptions): ProxyHandler;
