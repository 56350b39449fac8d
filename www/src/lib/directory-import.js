// "Import writes the directory": an option of the bulk import. When it is on, rows go to the
// directory (PUT /api/directory/devices) instead of straight to Twilio, as your user IDs:
// a Notify identity is your user ID (so a re-run maps it to the same Twilio user), a CSV's
// userId column is read as your user ID, and plain tokens become one user each or all go under
// one user ID, as chosen here. The directory finds or creates the Twilio users.
import { h, replace } from "./dom.js";
import { checkbox, field, fieldset, radio } from "./ui.js";
import { directory } from "./directory-api.js";

/**
 * The option's controls and the client adapter for the import runner.
 * Returns `{ el, ready(): boolean, wrap(client, rows) }`: `wrap` gives the runner a client whose
 * registerDevice writes the directory (or `client` itself when the option is off).
 */
export function directoryImport() {
  const status = h("p", { class: "muted small", "aria-live": "polite" });
  const enable = checkbox({ label: "Record the devices in the directory under your user IDs", onchange: sync });
  const oneUser = h("input", { type: "text", class: "mono", autocomplete: "off", spellcheck: "false", disabled: true });
  const perToken = radio({
    name: "dir-plain",
    value: "token",
    label: "One user per token",
    checked: true,
    onchange: sync,
  });
  const underOne = radio({ name: "dir-plain", value: "one", label: "All under one user ID", onchange: sync });
  const plain = fieldset({
    legend: "Rows without an identity or userId",
    children: [
      perToken,
      underOne,
      field({ label: "Import under this user ID", control: oneUser, field: "directoryUserId" }),
    ],
    field: "directoryMode",
    hint: "A user keeps at most 20 devices (the directory's MAX_DEVICES_PER_USER); older ones are retired.",
  });
  const errorSlot = h("div", { class: "form-error" });
  plain.hidden = true;
  const el = h("div", { class: "directory-import" }, enable.el, status, plain, errorSlot);
  const mode = () =>
    /** @type {HTMLInputElement | null} */ (el.querySelector('input[name="dir-plain"]:checked'))?.value ?? "token";
  function sync() {
    plain.hidden = !enable.input.checked;
    oneUser.disabled = mode() !== "one";
  }
  // The option is offered only where a directory is bound to the admin Worker.
  directory("health").then(
    () =>
      replace(
        status,
        "Notify identities keep their Twilio user on a re-run; the directory's history shows each import.",
      ),
    (err) => {
      enable.input.disabled = true;
      replace(status, `No directory is available (${err.code}).`);
    },
  );

  return {
    el,
    ready() {
      replace(errorSlot);
      if (enable.input.checked && mode() === "one" && !oneUser.value.trim()) {
        replace(
          errorSlot,
          h("p", { class: "field-error", role: "alert" }, "Enter the user ID to import the tokens under."),
        );
        oneUser.focus();
        return false;
      }
      return true;
    },
    wrap(client, rows) {
      if (!enable.input.checked) return client;
      // Keyed by app too (one token in two apps is two devices); built at the first call, once
      // the runner has given rows without an appName the default app.
      let byToken = null;
      const twilioUsers = new Map();
      const one = mode() === "one" ? oneUser.value.trim() : null;
      return {
        async registerDevice({ appName, token, provider }) {
          byToken ??= new Map(rows.map((r) => [`${r.appName}\u0000${r.provider}:${r.token}`, r]));
          const row = byToken.get(`${appName}\u0000${provider}:${token}`);
          const userId = row?.identity ?? row?.userId ?? one ?? undefined;
          let answer;
          try {
            answer = await directory("devices", { method: "PUT", body: { appName, token, provider, userId } });
          } catch (err) {
            // The runner retries transient failures once (isTransient: API_ERROR + retryable).
            if (err.status === 503 || err.status === 429 || err.status === 0) {
              err.retryable = true;
              if (err.status === 0) err.code = "NETWORK_ERROR";
              else err.code = "API_ERROR";
            }
            throw err;
          }
          const id = answer.registrationId ?? `pending:${answer.deviceId}`;
          twilioUsers.set(id, answer.twilioUserId);
          if (row && answer.state === "pending")
            row.note = "Recorded; Twilio will be brought in line by the next reconcile.";
          return { resourceId: id };
        },
        async getDeviceRegistration({ deviceRegistrationId }) {
          return { id: deviceRegistrationId, userId: twilioUsers.get(deviceRegistrationId) ?? null };
        },
      };
    },
  };
}
