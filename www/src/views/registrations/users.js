// @ts-check
// The Users card: a way in when you do not have an ID at hand (newest first, with device
// counts), hidden until asked for.
import { h } from "../../lib/dom.js";
import { card } from "../../lib/ui.js";
import { usersList } from "../../lib/users-list.js";

/**
 * `onShow(userId)` is called when a user's "Show" is pressed; `refresh()` reads the list again
 * if it is on screen.
 * @param {any} ctx
 * @param {(userId: string) => void} onShow
 */
export function usersCard(ctx, onShow) {
  const users = usersList(ctx, { onShow });
  users.el.hidden = true;
  let usersShown = false;
  const showUsers = h(
    "button",
    {
      class: "btn",
      type: "button",
      onclick: () => {
        showUsers.hidden = true;
        users.el.hidden = false;
        usersShown = true;
        users.refresh();
      },
    },
    "Show users",
  );
  const el = card("Users", h("p", { class: "muted" }, "Every user of the account, newest first."), showUsers, users.el);
  return {
    el,
    refresh() {
      if (usersShown) users.refresh();
    },
  };
}
