// @ts-check
// Small DOM helpers. Everything goes through textContent/attributes: no HTML strings from data.

/** @typedef {Node | string | number | null | undefined | false | Child[]} Child */

let nextId = 0;
/** A unique id for label/aria wiring. */
export const uid = (prefix = "f") => `${prefix}-${++nextId}`;

/**
 * h("button", { class: "btn", type: "button", onclick }, "Label", child…)
 * Props: `class`, `text`, `dataset`, `style` (object), `on<event>` (listener), booleans as
 * attributes (true → "", false/null/undefined → absent), anything else as an attribute.
 */
/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, any> | null} [props]
 * @param {...Child} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  if (props) {
    for (const [key, value] of Object.entries(props)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "class") el.className = value;
      else if (key === "text") el.textContent = value;
      else if (key === "dataset") Object.assign(el.dataset, value);
      else if (key === "style") Object.assign(el.style, value);
      else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
      else if (key === "value" || key === "checked" || key === "selected") /** @type {any} */ (el)[key] = value;
      else el.setAttribute(key, value === true ? "" : String(value));
    }
  }
  append(el, children);
  return el;
}

/**
 * @param {Element} el
 * @param {Child[]} children
 */
function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/**
 * Replaces the children of `el`.
 * @template {Element} E
 * @param {E} el
 * @param {...Child} children
 * @returns {E}
 */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/**
 * Coalesces calls: `fn` runs once, `ms` after the last call. `.flush()` runs it now.
 * @template {any[]} A
 * @param {(...args: A) => void} fn
 * @param {number} ms
 */
export function debounce(fn, ms) {
  /** @type {ReturnType<typeof setTimeout> | null} */
  let timer = null;
  /** @type {any} */
  let args = [];
  const run = () => {
    timer = null;
    fn(...args);
  };
  const d = Object.assign(
    /** @param {A} a */
    (...a) => {
      args = a;
      if (timer !== null) clearTimeout(timer);
      timer = setTimeout(run, ms);
    },
    {
      flush() {
        if (timer !== null) {
          clearTimeout(timer);
          run();
        }
      },
      cancel() {
        if (timer !== null) clearTimeout(timer);
      },
    },
  );
  return d;
}

/**
 * Runs `fn` at most once per `ms` (first call soon, the last call always delivered).
 * @param {() => void} fn
 * @param {number} ms
 */
export function throttle(fn, ms) {
  let last = 0;
  /** @type {ReturnType<typeof setTimeout> | null} */
  let timer = null;
  return () => {
    if (timer !== null) return;
    const wait = Math.max(0, last + ms - performance.now());
    timer = setTimeout(() => {
      timer = null;
      last = performance.now();
      fn();
    }, wait);
  };
}

const numberFormat = new Intl.NumberFormat("en-US");
/** @param {unknown} n */
export const fmtNum = (n) => (typeof n === "number" && Number.isFinite(n) ? numberFormat.format(n) : "—");

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });
/** @param {string | null | undefined} iso */
export function fmtDate(iso) {
  if (!iso) return "—";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : dateFormat.format(d);
}

/**
 * A `<time>` element with the ISO value as machine-readable datetime.
 * @param {string | null | undefined} iso
 */
export const timeEl = (iso) => h("time", { datetime: iso ?? undefined, title: iso ?? undefined }, fmtDate(iso));

/**
 * "5f2c0d8e…2a3b4c5d": long tokens shortened for tables (the full value stays in title).
 * @param {unknown} value
 */
export function shorten(value, head = 10, tail = 8) {
  const s = String(value ?? "");
  return s.length <= head + tail + 1 ? s : `${s.slice(0, head)}…${s.slice(-tail)}`;
}

/**
 * Triggers a download of `text` as a file.
 * @param {string} filename
 * @param {string} text
 */
export function download(filename, text, type = "text/csv;charset=utf-8") {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h("a", { href: url, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Reads a File as text.
 * @param {Blob} file
 */
export const readText = (file) => file.text();
