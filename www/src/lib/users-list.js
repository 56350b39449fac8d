// @ts-check
// The account's users, newest first, with how many devices each has, a page at a time. The
// API lists users oldest first, so the list is read once (up to MAX_USERS) and paged here;
// device counts are fetched for the users on screen only.
import { h, replace, timeEl, fmtNum } from "./dom.js";
import { errorBox } from "./ui.js";
import { pager } from "./pager.js";
import { directory } from "./directory-api.js";

const PAGE_SIZE = 10;
const MAX_USERS = 20_000;

/**
 * @typedef {{ id: string, createdAt?: string }} User
 * @typedef {{ listUsers(p: object): Promise<{ items: User[], nextPageToken?: string | null }>,
 *   listDeviceRegistrations(p: object): Promise<{ items: { devices?: unknown[] }[], nextPageToken?: string | null }> }} UsersClient
 */

/**
 * Every user (at most MAX_USERS), newest first.
 * @param {UsersClient} client
 * @returns {Promise<{ users: User[], capped: boolean }>}
 */
export async function loadUsersNewestFirst(client) {
  /** @type {User[]} */
  const users = [];
  /** @type {string | null | undefined} */
  let pageToken;
  do {
    const page = await client.listUsers({ pageSize: 1000, ...(pageToken ? { pageToken } : {}) });
    users.push(...page.items);
    pageToken = page.nextPageToken;
  } while (pageToken && users.length < MAX_USERS);
  // Creation order from the API; ties (same second) keep it, so reverse before a stable sort.
  users.reverse();
  users.sort((a, b) => String(b.createdAt ?? "").localeCompare(String(a.createdAt ?? "")));
  return { users, capped: Boolean(pageToken) };
}

/**
 * Device and registration counts of one user (over every app).
 * @param {UsersClient} client
 * @param {string} userId
 */
export async function deviceCount(client, userId) {
  let devices = 0;
  let registrations = 0;
  /** @type {string | null | undefined} */
  let pageToken;
  do {
    const page = await client.listDeviceRegistrations({ userId, ...(pageToken ? { pageToken } : {}) });
    for (const reg of page.items) {
      registrations++;
      devices += reg.devices?.length ?? 0;
    }
    pageToken = page.nextPageToken;
  } while (pageToken);
  return { devices, registrations };
}

/**
 * Your user ID(s) for a Twilio user, from the directory (`lookup` by Twilio user ID): `[]` when
 * the directory does not know the user, `null` when there is no directory to ask.
 * @param {string} twilioUserId
 * @returns {Promise<string[] | null>}
 */
export async function ownUserIds(twilioUserId) {
  try {
    const found = await directory(`lookup?${new URLSearchParams({ q: twilioUserId })}`);
    return (found.users ?? [])
      .filter((/** @type {any} */ u) => u.twilioUserId === twilioUserId)
      .map((/** @type {any} */ u) => `${u.userId}`);
  } catch {
    return null;
  }
}

/**
 * The users table with its pager and a Refresh button.
 * @param {{ client: UsersClient }} ctx
 * @param {{ onShow: (userId: string) => void }} options  `onShow` opens a user's devices
 * @returns {{ el: HTMLElement, refresh: () => Promise<void> }}
 */
export function usersList(ctx, { onShow }) {
  const body = h("div", { class: "users", "aria-live": "polite", "data-testid": "users" });
  const note = h("p", { class: "muted small" });
  /** @type {User[] | null} */
  let users = null;

  const pages = pager(
    async (/** @type {number | undefined} */ offset = 0) => {
      try {
        if (!users || offset === 0) {
          const loaded = await loadUsersNewestFirst(ctx.client);
          users = loaded.users;
          note.textContent = `${fmtNum(users.length)} user${users.length === 1 ? "" : "s"}, newest first${loaded.capped ? ` (the newest of the first ${fmtNum(MAX_USERS)} read)` : ""}.`;
        }
        const slice = users.slice(offset, offset + PAGE_SIZE);
        replace(body, slice.length ? usersTable(ctx, slice, onShow) : h("p", { class: "muted" }, "No users yet."));
        const next = offset + PAGE_SIZE;
        return { items: slice, nextPageToken: next < users.length ? next : null };
      } catch (err) {
        replace(body, errorBox(err, { onRetry: () => pages.reload() }));
        throw err;
      }
    },
    { label: "Users pages" },
  );
  const refreshBtn = h("button", { class: "btn btn-small", type: "button", onclick: () => refresh() }, "Refresh");
  async function refresh() {
    users = null;
    await pages.first();
  }
  const el = h("div", { class: "users-list" }, h("div", { class: "toolbar" }, note, refreshBtn), body, pages.el);
  return { el, refresh };
}

/**
 * @param {{ client: UsersClient }} ctx
 * @param {User[]} users
 * @param {(userId: string) => void} onShow
 */
function usersTable(ctx, users, onShow) {
  const rows = users.map((u) => {
    const count = h("span", { class: "muted", "data-device-count": u.id }, "…");
    deviceCount(ctx.client, u.id).then(
      ({ devices, registrations }) =>
        replace(
          count,
          `${fmtNum(devices)} device${devices === 1 ? "" : "s"}`,
          registrations > 1 ? ` in ${registrations} apps` : "",
        ),
      () => replace(count, "?"),
    );
    const own = h("span", { class: "muted", "data-own-user-id": u.id }, "…");
    ownUserIds(u.id).then((ids) =>
      replace(own, ids === null ? "—" : ids.length ? h("code", null, ids.join(", ")) : "not in the directory"),
    );
    return h(
      "tr",
      { "data-user-id": u.id },
      h("td", { "data-label": "Your user ID" }, own),
      h("td", { "data-label": "Twilio user ID" }, h("code", null, u.id)),
      h("td", { "data-label": "Devices" }, count),
      h("td", { "data-label": "Created" }, timeEl(u.createdAt)),
      h(
        "td",
        { "data-label": "" },
        h("button", { class: "btn btn-small", type: "button", onclick: () => onShow(u.id) }, "Show devices"),
      ),
    );
  });
  return h(
    "div",
    { class: "table-wrap" },
    h(
      "table",
      { class: "table table-stack" },
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          ["Your user ID", "Twilio user ID", "Devices", "Created"].map((c) => h("th", { scope: "col" }, c)),
          h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Actions")),
        ),
      ),
      h("tbody", null, rows),
    ),
  );
}
