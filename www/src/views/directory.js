// The directory: your users and their devices. Search by a token (any spelling: the directory
// canonicalizes it) or by your user ID; users show your ID next to the Twilio one, device counts
// and last seen; a token's history shows who had it and when it moved; the mapping exports as
// CSV or JSON.
import { download, h, replace, shorten, timeEl } from "../lib/dom.js";
import { busy, card, chip, clearFieldErrors, errorBox, field, pageHeader, showFormError } from "../lib/ui.js";
import { appErrorHandler, appSelect } from "../lib/app-select.js";
import { directory } from "../lib/directory-api.js";

const EVENT_LABELS = {
  registered: "Registered",
  moved: "Moved",
  token_rotated: "Token refreshed",
  signed_out: "Signed out",
  admin_removed: "Removed by an admin",
};

const stateChip = (state) =>
  chip(state, state === "synced" || state === "active" ? "success" : state === "pending" ? "warning" : "neutral");
const code = (value, short = false) =>
  h("code", { title: value ?? undefined }, short ? shorten(value, 12, 8) : (value ?? "—"));

function table(caption, headers, rows) {
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
        rows.map((cells) =>
          h(
            "tr",
            null,
            cells.map((c, i) => h("td", { "data-label": headers[i] }, c)),
          ),
        ),
      ),
    ),
  );
}

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

function userCard(user) {
  const live = user.devices.filter((d) => d.status === "active" || d.status === "pending");
  const lastSeen =
    live
      .map((d) => d.lastSeenAt)
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
          user.devices.map((d) => [
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

function renderLookup(result) {
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
              result.devices.map((d) => [
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

/** The Directory section. */
export function create(ctx) {
  let form;
  const query = h("input", {
    type: "text",
    class: "mono",
    spellcheck: "false",
    autocomplete: "off",
    placeholder: "a device token, or your user ID",
  });
  const apps = appSelect(ctx, {
    allowAll: true,
    onError: appErrorHandler(() => form?.querySelector('[data-field="appName"]')),
  });
  const submit = h("button", { class: "btn btn-primary", type: "submit" }, "Search");
  const results = h("div", { class: "stack", "aria-live": "polite" });
  form = h(
    "form",
    { class: "card", novalidate: true, role: "search", "aria-label": "Search the directory" },
    h(
      "div",
      { class: "grid-2 grid-wide-first" },
      field({ label: "Token or your user ID", control: query, field: "q" }),
      field({ label: "App", control: apps.select, field: "appName" }),
    ),
    h("div", { class: "actions" }, submit),
    h("div", { class: "form-error" }),
  );

  async function search(q) {
    clearFieldErrors(form);
    if (!q) {
      return showFormError(form, { code: "VALIDATION_ERROR", field: "q", message: "Enter a token or your user ID." });
    }
    const params = new URLSearchParams({ q });
    if (apps.value()) params.set("appName", apps.value());
    try {
      replace(results, ...renderLookup(await directory(`lookup?${params}`)));
    } catch (err) {
      replace(results);
      showFormError(form, err, (f) => (f === "q" || f === "appName" ? f : null));
    }
  }
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    await busy(submit, "Searching…", () => search(query.value.trim()));
  });

  // Users of an app, with counts, in pages.
  const usersBody = h("div");
  const more = h("button", { class: "btn btn-small", type: "button", hidden: true }, "More users");
  let after = null;
  async function loadUsers(reset) {
    const appName = apps.value() || (await ctx.apps())[0]?.name;
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
      const rows = page.users.map((u) => [
        code(u.userId),
        code(u.twilioUserId),
        String(u.deviceCount),
        u.lastSeenAt ? timeEl(u.lastSeenAt) : "—",
        stateChip(u.state),
        h(
          "button",
          {
            class: "btn btn-small",
            type: "button",
            onclick: () => {
              query.value = u.userId;
              search(u.userId);
            },
          },
          "Show",
        ),
      ]);
      const headers = ["Your user ID", "Twilio user ID", "Devices", "Last seen", "State", "Actions"];
      const existing = usersBody.querySelector("tbody");
      if (existing && !reset) {
        for (const cells of rows)
          existing.append(
            h(
              "tr",
              null,
              cells.map((c, i) => h("td", { "data-label": headers[i] }, c)),
            ),
          );
      } else {
        replace(
          usersBody,
          rows.length
            ? table(`Users of ${appName}`, headers, rows)
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

  const exportStatus = h("div", { "aria-live": "polite" });
  async function exportAs(format, button) {
    replace(exportStatus);
    const appName = apps.value();
    const params = new URLSearchParams({ format, ...(appName ? { appName } : {}) });
    try {
      const text = await busy(button, "Exporting…", () => directory(`export?${params}`, { text: true }));
      download(
        `directory${appName ? `-${appName}` : ""}.${format}`,
        text,
        format === "csv" ? "text/csv;charset=utf-8" : "application/json",
      );
    } catch (err) {
      replace(exportStatus, errorBox(err));
    }
  }
  const csvButton = h("button", { class: "btn", type: "button" }, "Export CSV");
  const jsonButton = h("button", { class: "btn", type: "button" }, "Export JSON");
  csvButton.addEventListener("click", () => exportAs("csv", csvButton));
  jsonButton.addEventListener("click", () => exportAs("json", jsonButton));

  const el = h(
    "div",
    null,
    pageHeader(
      "Directory",
      "Your users and their devices, as the directory records them: which of your users is which Twilio user, and who had each token.",
    ),
    form,
    results,
    card(
      "Users",
      h("p", { class: "muted" }, "Users of the selected app (or the first app), by your user ID."),
      h("div", { class: "actions" }, showUsers),
      usersBody,
      more,
    ),
    card(
      "Export the mapping",
      h(
        "p",
        { class: "muted" },
        "Your user ID, Twilio user ID, registration and tokens of the selected app (or every app).",
      ),
      h("div", { class: "actions" }, csvButton, jsonButton),
      exportStatus,
    ),
  );
  return {
    el,
    show(params) {
      if (params.q && params.q !== query.value) {
        query.value = params.q;
        search(params.q);
      }
    },
  };
}
