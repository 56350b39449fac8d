// @ts-check
// What a directory search shows: a token (where it is, who had it) and users (your ID next to
// the Twilio one, devices, last seen, token history), drawn as stacking tables.
import { h, shorten, timeEl } from "../../lib/dom.js";
import { card, chip } from "../../lib/ui.js";

/** @typedef {import("../../lib/dom.js").Child} Child */

/** @type {Record<string, string>} */
const EVENT_LABELS = {
  registered: "Registered",
  moved: "Moved",
  token_rotated: "Token refreshed",
  signed_out: "Signed out",
  admin_removed: "Removed by an admin",
};

/** @param {string} state */
export const stateChip = (state) =>
  chip(state, state === "synced" || state === "active" ? "success" : state === "pending" ? "warning" : "neutral");
/**
 * @param {string | null | undefined} value
 * @param {boolean} [short]  shortened, the whole value as its title
 */
export const code = (value, short = false) =>
  h("code", { title: value ?? undefined }, short ? shorten(value, 12, 8) : (value ?? "—"));

/**
 * One row of a stacked table: each cell labelled with its column's header.
 * @param {string[]} headers
 * @param {Child[]} cells
 */
export function tableRow(headers, cells) {
  return h(
    "tr",
    null,
    cells.map((c, i) => h("td", { "data-label": headers[i] }, c)),
  );
}

/**
 * A table that stacks into labelled cells on narrow screens.
 * @param {string} caption
 * @param {string[]} headers
 * @param {Child[][]} rows
 */
export function table(caption, headers, rows) {
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "table table-stack" },
      h("caption", { class: "visually-hidden" }, caption),
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          headers.map((t) => h("th", { scope: "col" }, t)),
        ),
      ),
      h(
        "tbody",
        null,
        rows.map((cells) => tableRow(headers, cells)),
      ),
    ),
  );
}

/**
 * @param {any[]} events
 * @param {string} caption
 */
function historyTable(events, caption) {
  if (!events.length) return h("p", { class: "muted" }, "No history.");
  return table(
    caption,
    ["When", "Event", "From", "To", "By"],
    events.map((e) => [
      timeEl(e.at),
      h("span", { dataset: { event: e.event } }, EVENT_LABELS[e.event] ?? e.event),
      e.fromUser ? code(e.fromUser) : "—",
      e.toUser ? code(e.toUser) : "—",
      e.actor,
    ]),
  );
}

/** @param {any} user */
function userCard(user) {
  const live = user.devices.filter((/** @type {any} */ d) => d.status === "active" || d.status === "pending");
  const lastSeen =
    live
      .map((/** @type {any} */ d) => d.lastSeenAt)
      .sort()
      .at(-1) ?? null;
  return h(
    "section",
    { class: "card", dataset: { directoryUser: user.userId } },
    h("h3", null, "User ", h("code", null, user.userId), " ", stateChip(user.state)),
    h(
      "dl",
      { class: "legend" },
      h("div", null, h("dt", null, "Your user ID"), h("dd", null, code(user.userId))),
      h("div", null, h("dt", null, "Twilio user ID"), h("dd", null, code(user.twilioUserId))),
      h("div", null, h("dt", null, "App"), h("dd", null, user.appName)),
      h("div", null, h("dt", null, "Devices"), h("dd", { dataset: { stat: "devices" } }, String(live.length))),
      h("div", null, h("dt", null, "Last seen"), h("dd", null, lastSeen ? timeEl(lastSeen) : "—")),
    ),
    user.lastError ? h("p", { class: "alert alert-warning" }, `Waiting for Twilio: ${user.lastError}`) : null,
    user.devices.length
      ? table(
          `Devices of ${user.userId}`,
          ["Token", "Provider", "Status", "First seen", "Last seen"],
          user.devices.map((/** @type {any} */ d) => [
            code(d.token, true),
            d.provider,
            stateChip(d.status),
            timeEl(d.firstSeenAt),
            timeEl(d.lastSeenAt),
          ]),
        )
      : h("p", { class: "muted" }, "No devices."),
    h("h4", null, "Token history"),
    historyTable(user.history, `Token history of ${user.userId}`),
  );
}

/**
 * What a lookup found: the token (where it is, its history) and each matching user.
 * @param {any} result
 */
export function renderLookup(result) {
  /** @type {HTMLElement[]} */
  const parts = [];
  if (result.token) {
    parts.push(
      card(
        "Token",
        h("p", null, code(result.token.token), " ", chip(result.token.provider, "info")),
        result.devices.length
          ? table(
              "Where the token is",
              ["App", "Owner (your user ID)", "Status", "First seen", "Last seen"],
              result.devices.map((/** @type {any} */ d) => [
                d.appName,
                d.userId ? code(d.userId) : "—",
                stateChip(d.status),
                timeEl(d.firstSeenAt),
                timeEl(d.lastSeenAt),
              ]),
            )
          : h("p", { class: "muted" }, "The directory has never seen this token."),
        h("h3", null, "History"),
        historyTable(result.history, "History of the token"),
      ),
    );
  }
  for (const u of result.users) parts.push(userCard(u));
  if (!parts.length) {
    parts.push(
      h(
        "p",
        { class: "muted" },
        `Nothing matches “${result.query}”: no user with that ID${result.tokenError ? ", and it is not a token" : ""}.`,
      ),
    );
  }
  return parts;
}
