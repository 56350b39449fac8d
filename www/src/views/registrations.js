// @ts-check
// Feature 4: a user's registrations. Look up by user ID (or pick a user from the list), see the
// devices per app, delete a registration after confirming.
// The parts live in ./registrations/: "Find a device", the look-up with its results, and Users.
import { h } from "../lib/dom.js";
import { pageHeader } from "../lib/ui.js";
import { findForm } from "./registrations/find-form.js";
import { registrationsLookup } from "./registrations/lookup.js";
import { usersCard } from "./registrations/users.js";

/** @param {any} ctx */
export function create(ctx) {
  const lookup = registrationsLookup(ctx);
  const users = usersCard(ctx, (id) => lookup.showUser(id, { focus: true }));
  // After an import (or any change elsewhere), what is on screen is stale: read it again.
  ctx.on("registrations-changed", () => {
    users.refresh();
    if (lookup.lastQuery()) lookup.lookup({ quiet: true });
  });

  const el = h(
    "div",
    null,
    pageHeader("Registrations", "A user's devices, grouped by app. A user has at most one registration per app."),
    findForm(ctx),
    lookup.form,
    lookup.results,
    users.el,
  );

  return {
    el,
    /** @param {Record<string, string>} params */
    show(params) {
      if (params.user && params.user !== lookup.lastQuery()?.userId) lookup.showUser(params.user);
    },
  };
}
