// "Import writes the directory": an option of the bulk import. When it is on, rows go to the
// directory (PUT /api/directory/devices) instead of straight to Twilio, as your user IDs:
// a Notify identity is your user ID (so a re-run maps it to the same Twilio user), a CSV's
// userId column is read as your user ID, and plain tokens become one user each or all go under
// one user ID, as chosen here. The directory finds or creates the Twilio users.
import { h, replace } from "./dom.js";
import { checkbox, field, fieldset, radio } from "./ui.js";
import { directory } from "./directory-api.js";

/**
 * The option's controls: the switch, the choice for rows without a user ID, and a status line.
 * `sync` keeps what is shown in line with what is chosen.
 */
function optionControls() {
  const status = h("p", { class: "muted small", "aria-live": "polite" });
  const enable = checkbox({ label: "Record the devices in the directory under your user IDs", onchange: () => sync() });
  const oneUser = /** @type {HTMLInputElement} */ (
    h("input", { type: "text", class: "mono", autocomplete: "off", spellcheck: "false", disabled: true })
  );
  const perToken = radio({
    name: "dir-plain",
    value: "token",
    label: "One user per token",
    checked: true,
    onchange: () => sync(),
  });
  const underOne = radio({ name: "dir-plain", value: "one", label: "All under one user ID", onchange: () => sync() });
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
  return { el, status, enable, oneUser, errorSlot, mode };
}

/**
 * Offers the option only where a directory is bound to the admin Worker.
 * @param {ReturnType<typeof optionControls>} c
 */
function offerIfAvailable(c) {
  directory("health").then(
    () =>
      replace(
        c.status,
        "Notify identities keep their Twilio user on a re-run; the directory's history shows each import.",
      ),
    (err) => {
      c.enable.input.disabled = true;
      replace(c.status, `No directory is available (${err.code}).`);
    },
  );
}

/**
 * A directory failure the runner should retry once (isTransient: API_ERROR + retryable) is
 * marked so.
 * @param {any} err
 */
function markTransient(err) {
  if (err.status === 503 || err.status === 429 || err.status === 0) {
    err.retryable = true;
    if (err.status === 0) err.code = "NETWORK_ERROR";
    else err.code = "API_ERROR";
  }
  return err;
}

/**
 * The runner's client when the option is on: registerDevice writes the directory, and
 * getDeviceRegistration answers with the Twilio user the directory found or created.
 * @param {string | null} one  the user ID for rows without one, or null (one user per token)
 */
function directoryClient(one) {
  /** @type {Map<string, string>} */
  const twilioUsers = new Map();
  return {
    // The runner hands over the row with the request (see import-runner.js): its identity or
    // userId column is the user ID to record.
    /**
     * @param {{ appName: string, token: string, provider: string }} params
     * @param {any} [row]
     */
    async registerDevice({ appName, token, provider }, row) {
      const userId = row?.identity ?? row?.userId ?? one ?? undefined;
      let answer;
      try {
        answer = await directory("devices", { method: "PUT", body: { appName, token, provider, userId } });
      } catch (err) {
        throw markTransient(err);
      }
      const id = answer.registrationId ?? `pending:${answer.deviceId}`;
      twilioUsers.set(id, answer.twilioUserId);
      if (row && answer.state === "pending")
        row.note = "Recorded; Twilio will be brought in line by the next reconcile.";
      return { resourceId: id };
    },
    /** @param {{ deviceRegistrationId: string }} params */
    async getDeviceRegistration({ deviceRegistrationId }) {
      return { id: deviceRegistrationId, userId: twilioUsers.get(deviceRegistrationId) ?? null };
    },
  };
}

/**
 * The option's controls and the client adapter for the import runner.
 * Returns `{ el, ready(): boolean, wrap(client) }`: `wrap` gives the runner a client whose
 * registerDevice writes the directory (or `client` itself when the option is off).
 */
export function directoryImport() {
  const c = optionControls();
  offerIfAvailable(c);
  return {
    el: c.el,
    ready() {
      replace(c.errorSlot);
      if (c.enable.input.checked && c.mode() === "one" && !c.oneUser.value.trim()) {
        replace(
          c.errorSlot,
          h("p", { class: "field-error", role: "alert" }, "Enter the user ID to import the tokens under."),
        );
        c.oneUser.focus();
        return false;
      }
      return true;
    },
    /** @param {any} client */
    wrap(client) {
      if (!c.enable.input.checked) return client;
      return directoryClient(c.mode() === "one" ? c.oneUser.value.trim() : null);
    },
  };
}
