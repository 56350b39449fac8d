// @ts-check
// Previous/next paging over the API's opaque page tokens: a stack of the tokens of the pages seen.
import { h } from "./dom.js";

/**
 * `load(pageToken | undefined)` → a list page `{ items, nextPageToken }` (renders itself).
 * Returns { el, first(), reload() }.
 * @template {string | number} T  a page token (the API's opaque string, or an offset)
 * @param {(pageToken: T | undefined) => Promise<{ nextPageToken?: T | null } | undefined>} load
 * @param {{ label?: string }} [options]
 */
export function pager(load, { label = "Pages" } = {}) {
  /** @type {(T | undefined)[]} */
  const stack = []; // tokens of the pages before the current one
  /** @type {T | undefined} */
  let currentToken;
  /** @type {T | null} */
  let next = null;
  const prevBtn = h("button", { class: "btn btn-small", type: "button", disabled: true }, "← Previous");
  const nextBtn = h("button", { class: "btn btn-small", type: "button", disabled: true }, "Next →");
  const status = h("span", { class: "muted small", "aria-live": "polite" });
  const el = h("nav", { class: "pager", "aria-label": label }, prevBtn, status, nextBtn);

  /**
   * @param {T | undefined} token
   * @param {"next" | "prev" | null} direction
   */
  async function go(token, direction) {
    prevBtn.disabled = nextBtn.disabled = true;
    let page;
    try {
      page = await load(token);
    } catch {
      // load() shows its own error; keep the buttons usable so the person can try again.
      prevBtn.disabled = stack.length === 0;
      nextBtn.disabled = !next;
      return;
    }
    if (direction === "next") stack.push(currentToken);
    if (direction === "prev") stack.pop();
    currentToken = token;
    next = page?.nextPageToken ?? null;
    prevBtn.disabled = stack.length === 0;
    nextBtn.disabled = !next;
    status.textContent = `Page ${stack.length + 1}`;
  }
  prevBtn.addEventListener("click", () => go(stack[stack.length - 1], "prev"));
  nextBtn.addEventListener("click", () => go(next ?? undefined, "next"));
  return {
    el,
    first() {
      stack.length = 0;
      return go(undefined, null);
    },
    reload() {
      return go(currentToken, null);
    },
  };
}
