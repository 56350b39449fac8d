// @ts-check
// The directory's Users card: the users of the selected app (or the first app) with their
// counts, 25 at a time, each with a button that searches for it.
import { h, replace, timeEl } from "../../lib/dom.js";
import { busy, card, errorBox } from "../../lib/ui.js";
import { directory } from "../../lib/directory-api.js";
import { code, stateChip, table, tableRow } from "./lookup-result.js";

const HEADERS = ["Your user ID", "Twilio user ID", "Devices", "Last seen", "State", "Actions"];

/**
 * One user's cells.
 * @param {any} u
 * @param {(userId: string) => void} onShow
 */
function userCells(u, onShow) {
  return [
    code(u.userId),
    code(u.twilioUserId),
    String(u.deviceCount),
    u.lastSeenAt ? timeEl(u.lastSeenAt) : "—",
    stateChip(u.state),
    h("button", { class: "btn btn-small", type: "button", onclick: () => onShow(u.userId) }, "Show"),
  ];
}

/**
 * @param {any} ctx
 * @param {() => string} selectedApp  the app chosen in the search form ("" for every app)
 * @param {(userId: string) => void} onShow
 */
export function directoryUsers(ctx, selectedApp, onShow) {
  const usersBody = h("div");
  const more = h("button", { class: "btn btn-small", type: "button", hidden: true }, "More users");
  /** @type {string | null} */
  let after = null;

  /**
   * Reads a page of users: the first one again when `reset`, else the next one, appended.
   * @param {boolean} reset
   */
  async function loadUsers(reset) {
    const appName = selectedApp() || (await ctx.apps())[0]?.name;
    if (!appName) return replace(usersBody, h("p", { class: "muted" }, "No apps yet."));
    if (reset) {
      after = null;
      replace(usersBody);
    }
    try {
      const page = await directory(
        `users?${new URLSearchParams({ appName, limit: "25", ...(after ? { after } : {}) })}`,
      );
      after = page.next;
      more.hidden = !page.next;
      const rows = page.users.map((/** @type {any} */ u) => userCells(u, onShow));
      const existing = usersBody.querySelector("tbody");
      if (existing && !reset) {
        for (const cells of rows) existing.append(tableRow(HEADERS, cells));
      } else {
        replace(
          usersBody,
          rows.length
            ? table(`Users of ${appName}`, HEADERS, rows)
            : h("p", { class: "muted" }, `No users of ${appName} in the directory yet.`),
        );
      }
    } catch (err) {
      replace(usersBody, errorBox(err, { onRetry: () => loadUsers(true) }));
    }
  }

  more.addEventListener("click", () => busy(more, "Loading…", () => loadUsers(false)));
  const showUsers = h("button", { class: "btn", type: "button" }, "Show users");
  showUsers.addEventListener("click", () => busy(showUsers, "Loading…", () => loadUsers(true)));

  return card(
    "Users",
    h("p", { class: "muted" }, "Users of the selected app (or the first app), by your user ID."),
    h("div", { class: "actions" }, showUsers),
    usersBody,
    more,
  );
}
