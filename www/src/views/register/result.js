// @ts-check
// What a registration produced: the registration read back, then every device of its user with
// the new one highlighted.
import { h, replace } from "../../lib/dom.js";
import { card, errorBox, copyButton, notice } from "../../lib/ui.js";
import { registrationCard } from "../../lib/registration-card.js";

/**
 * The two cards shown once the registration is read back.
 * @param {any} reg  the registration
 * @param {HTMLElement} userDevices  where the user's devices are drawn
 */
function registeredCards(reg, userDevices) {
  return [
    // The new registration is drawn once: among the user's devices below, highlighted.
    card(
      "Registered",
      notice(
        "success",
        "Device registered in ",
        h("code", null, reg.appName),
        " for user ",
        h("code", { "data-testid": "registered-user" }, reg.userId),
        " ",
        copyButton(() => reg.userId, { what: "user ID" }),
      ),
    ),
    card(
      "All devices of this user",
      h(
        "p",
        null,
        h("a", { href: `#/registrations?user=${encodeURIComponent(reg.userId)}` }, "Open in Registrations"),
        " to manage them.",
      ),
      userDevices,
    ),
  ];
}

/**
 * Lists the user's devices into `host`, highlighting the one just registered.
 * @param {any} ctx
 * @param {HTMLElement} host
 * @param {string} userId
 * @param {string} registeredToken
 */
async function showUserDevices(ctx, host, userId, registeredToken) {
  try {
    const page = await ctx.client.listDeviceRegistrations({ userId });
    replace(
      host,
      page.items.length
        ? page.items.map((/** @type {any} */ r) => registrationCard(r, { highlightToken: registeredToken }))
        : h("p", { class: "muted" }, "No registrations."),
    );
  } catch (err) {
    replace(host, errorBox(err));
  }
}

/**
 * The result area under the form. `show(registrationId, token)` reads the registration back and
 * lists its user's devices; a failed read offers to try again.
 * @param {any} ctx
 */
export function registrationResult(ctx) {
  const el = h("div", { class: "result", "aria-live": "polite" });

  /**
   * @param {string} registrationId
   * @param {string} registeredToken
   */
  async function show(registrationId, registeredToken) {
    replace(el, h("p", { class: "muted" }, "Registered. Loading the registration…"));
    let reg;
    try {
      reg = await ctx.client.getDeviceRegistration({ deviceRegistrationId: registrationId });
    } catch (err) {
      replace(
        el,
        notice(
          "success",
          "The device was registered as ",
          h("code", null, registrationId),
          ", but it could not be loaded:",
        ),
        errorBox(err, { onRetry: () => show(registrationId, registeredToken) }),
      );
      return;
    }
    const userDevices = h("div", { class: "stack" }, h("p", { class: "muted" }, "Loading this user's devices…"));
    replace(el, ...registeredCards(reg, userDevices));
    await showUserDevices(ctx, userDevices, reg.userId, registeredToken);
  }

  return { el, show, clear: () => replace(el) };
}
