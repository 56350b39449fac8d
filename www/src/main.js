// @ts-check
// Boot, session and routing. Each feature is one module in ./views exporting `create(ctx)` →
// { el, show?(params), hide?(), destroy?() }. Views are created once per session and kept, so a
// half-filled form or a running import survives switching sections.
import init from "twilio-push-wasm";
import { h, replace } from "./lib/dom.js";
import { createClient, forgetToken, storedToken, fetchHealth, loadApps, probe } from "./lib/api.js";
import { errorBox, errorMessage, notice, proxyAddress } from "./lib/ui.js";
import { onConnectionChange, setConnection } from "./lib/connection.js";
import * as signIn from "./views/sign-in.js";
import * as tokenChecker from "./views/token-checker.js";
import * as register from "./views/register.js";
import * as registrations from "./views/registrations.js";
import * as send from "./views/send.js";
import * as bulkImport from "./views/bulk-import.js";
import * as apps from "./views/apps.js";
import * as activity from "./views/activity.js";
import * as operation from "./views/operation.js";
import * as directory from "./views/directory.js";

const ROUTES = [
  { path: "tokens", label: "Token checker", view: tokenChecker, auth: false },
  { path: "register", label: "Register a device", view: register, auth: true },
  { path: "registrations", label: "Registrations", view: registrations, auth: true },
  { path: "directory", label: "Directory", view: directory, auth: true },
  { path: "send", label: "Send a push", view: send, auth: true },
  { path: "import", label: "Bulk import", view: bulkImport, auth: true },
  { path: "apps", label: "Apps & credentials", view: apps, auth: true },
  { path: "activity", label: "Activity", view: activity, auth: true },
  { path: "operations", label: "Operation", view: operation, auth: true, hidden: true, within: "activity" },
];
const HOME = "tokens";

const main = document.getElementById("main");
const nav = document.getElementById("nav");
const signOutButton = document.getElementById("sign-out");
const upstream = document.getElementById("upstream");

const session = { client: null, views: new Map(), current: null, listeners: new Map(), appsPromise: null };

/** What views get: the client, shared app list, navigation and a tiny event bus. */
const ctx = {
  get client() {
    return session.client;
  },
  apps() {
    session.appsPromise ??= loadApps(session.client).catch((err) => {
      session.appsPromise = null;
      throw err;
    });
    return session.appsPromise;
  },
  appsChanged() {
    session.appsPromise = null;
    ctx.emit("apps-changed");
  },
  navigate(hash) {
    if (location.hash === hash) route();
    else location.hash = hash;
  },
  on(event, fn) {
    if (!session.listeners.has(event)) session.listeners.set(event, new Set());
    session.listeners.get(event).add(fn);
  },
  emit(event, data) {
    for (const fn of session.listeners.get(event) ?? []) fn(data);
  },
  signedIn(client) {
    session.client = client;
    session.appsPromise = null;
    renderNav();
    signOutButton.hidden = false;
    const { routeDef } = parseHash();
    if (!routeDef?.auth) ctx.navigate("#/register");
    else route();
  },
  signOut,
};

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, "");
  const [pathPart, query = ""] = raw.split("?");
  const [path, ...rest] = pathPart.split("/");
  const routeDef = ROUTES.find((r) => r.path === path);
  const params = Object.fromEntries(new URLSearchParams(query));
  if (rest.length) params.id = decodeURIComponent(rest.join("/"));
  return { routeDef, params };
}

function renderNav() {
  const { routeDef } = parseHash();
  const visible = ROUTES.filter((r) => !r.hidden && (!r.auth || session.client));
  replace(
    nav,
    h(
      "ul",
      null,
      visible.map((r) =>
        h("li", null, h("a", { href: `#/${r.path}`, "aria-current": currentFor(routeDef, r) }, r.label)),
      ),
      session.client
        ? null
        : h("li", null, h("a", { href: "#/signin", "aria-current": routeDef ? undefined : "page" }, "Sign in")),
    ),
  );
  revealCurrentSection();
}

/** On phones the nav scrolls sideways: keep the current section in view. */
function revealCurrentSection() {
  const current = nav.querySelector("[aria-current]");
  const list = nav.firstElementChild;
  if (current && list && list.scrollWidth > list.clientWidth)
    current.scrollIntoView({ block: "nearest", inline: "nearest" });
}
window.addEventListener("resize", revealCurrentSection);

/** "page" for the current section; a hidden page (an operation) marks its section ("location"). */
function currentFor(routeDef, r) {
  if (routeDef?.path === r.path) return "page";
  if (routeDef?.within === r.path) return "location";
  return undefined;
}

function viewFor(routeDef) {
  let view = session.views.get(routeDef.path);
  if (!view) {
    view = routeDef.view.create(ctx);
    view.el.classList.add("view");
    view.el.dataset.view = routeDef.path;
    session.views.set(routeDef.path, view);
    main.append(view.el);
  }
  return view;
}

let signInView = null;
let firstRoute = true;

function route() {
  const { routeDef, params } = parseHash();
  const target = routeDef && (!routeDef.auth || session.client) ? routeDef : null;
  if (!routeDef && session.client) return ctx.navigate(`#/${HOME}`);
  if (session.current && session.current !== target) session.views.get(session.current.path)?.hide?.();
  for (const el of main.children) /** @type {HTMLElement} */ (el).hidden = true;
  if (!target) {
    signInView ??= signIn.create(ctx);
    if (!signInView.el.isConnected) main.append(signInView.el);
    signInView.el.hidden = false;
    signInView.show?.();
    session.current = null;
    document.title = "Sign in · Push admin";
  } else {
    const view = viewFor(target);
    view.el.hidden = false;
    view.show?.(params);
    session.current = target;
    document.title = `${target.label} · Push admin`;
    if (!firstRoute) view.el.querySelector("h1")?.focus({ preventScroll: false });
  }
  firstRoute = false;
  renderNav();
}

/** @param {{ reason?: string }} [options] */
function signOut({ reason } = {}) {
  forgetToken();
  for (const view of session.views.values()) {
    view.destroy?.();
    view.el.remove();
  }
  session.views.clear();
  session.listeners.clear();
  session.client = null;
  session.current = null;
  session.appsPromise = null;
  signOutButton.hidden = true;
  signInView ??= signIn.create(ctx);
  signInView.setMessage(
    reason
      ? notice("warning", reason)
      : notice("info", "You are signed out. The admin token was removed from this tab."),
  );
  if (parseHash().routeDef?.auth) location.hash = "#/signin";
  route();
}

function onUnauthorized() {
  if (session.client) signOut({ reason: "The proxy no longer accepts your admin token (HTTP 401). Sign in again." });
}

let health = null;
let recheckTimer = 0;

/** The header's badge: where requests go (Live: Twilio / Emulator), or Offline. */
function renderUpstream(state) {
  clearTimeout(recheckTimer);
  if (state === "offline") {
    replace(
      upstream,
      h(
        "span",
        {
          class: "chip chip-danger",
          "data-testid": "connection",
          title: `Can't reach the proxy at ${proxyAddress()}.`,
        },
        "Offline",
      ),
    );
    // Look again every few seconds; the badge comes back by itself once the proxy answers.
    recheckTimer = setTimeout(showUpstream, 5000);
    return;
  }
  if (!health) return;
  const live = health.upstream === "twilio";
  const label = live
    ? "Live: Twilio"
    : health.upstream === "emulator"
      ? "Emulator"
      : `Upstream: ${health.upstream ?? "unknown"}`;
  replace(
    upstream,
    h(
      "span",
      {
        class: `chip chip-${live ? "success" : "warning"}`,
        "data-testid": "connection",
        title: `The proxy is ${health.status === "ok" ? "up" : health.status}; requests go to ${live ? "Twilio" : (health.upstream ?? "an unknown upstream")}.`,
      },
      label,
    ),
  );
}

async function showUpstream() {
  try {
    health = await fetchHealth();
    renderUpstream("online");
  } catch (err) {
    if (err?.code === "NETWORK_ERROR") renderUpstream("offline");
    else replace(upstream, h("span", { class: "chip chip-danger", title: errorMessage(err) }, "Proxy unhealthy"));
  }
}

onConnectionChange((state) => (state === "online" && !health ? showUpstream() : renderUpstream(state)));
window.addEventListener("offline", () => setConnection("offline"));
window.addEventListener("online", showUpstream);

async function boot() {
  signOutButton.addEventListener("click", () => signOut());
  window.addEventListener("hashchange", route);
  showUpstream();
  try {
    await init();
  } catch (err) {
    replace(main, errorBox({ message: `The token library (WebAssembly) could not be loaded: ${errorMessage(err)}` }));
    return;
  }
  document.getElementById("boot-status")?.remove();
  const token = storedToken();
  if (token) {
    const client = createClient(token, { onUnauthorized });
    try {
      await probe(client);
      session.client = client;
      signOutButton.hidden = false;
    } catch (err) {
      if (err?.code === "API_ERROR" && err.status === 401) {
        forgetToken();
        signInView = signIn.create(ctx);
        signInView.setMessage(
          notice(
            "warning",
            "Your session ended: the proxy no longer accepts the admin token (HTTP 401). Sign in again.",
          ),
        );
      } else {
        // Keep the session: the proxy may just be down for a moment. Views show their own errors.
        session.client = client;
        signOutButton.hidden = false;
      }
    }
  }
  if (!location.hash) location.replace(session.client ? "#/register" : "#/signin");
  route();
}

signIn.setClientFactory((token) => createClient(token, { onUnauthorized }));
boot();
