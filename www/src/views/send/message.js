// @ts-check
// The send form's message: title, body, priority, sound and tags.
import { h } from "../../lib/dom.js";
import { field, card } from "../../lib/ui.js";
import { splitLines } from "../../lib/tokens.js";

/**
 * "key=value" lines → a tags object (undefined when empty); throws a VALIDATION_ERROR naming
 * the line that is not key=value.
 * @param {string} text
 */
export function parseTags(text) {
  /** @type {Record<string, string>} */
  const tags = {};
  const lines = splitLines(text);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    const eq = line.indexOf("=");
    if (eq <= 0)
      throw Object.assign(new Error(`Line ${i + 1} of the tags: write each tag as key=value.`), {
        code: "VALIDATION_ERROR",
        field: "tags",
      });
    tags[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return Object.keys(tags).length ? tags : undefined;
}

/** The message card; `params()` returns the message part of a send, or throws a VALIDATION_ERROR. */
export function messageCard() {
  const title = h("input", { type: "text", maxlength: 1000 });
  const body = h("textarea", { rows: 3 });
  const priority = h(
    "select",
    null,
    h("option", { value: "HIGH" }, "High (default)"),
    h("option", { value: "LOW" }, "Low"),
  );
  const sound = h("input", { type: "text", placeholder: "e.g. default or ring", autocomplete: "off" });
  const tags = h("textarea", { rows: 2, class: "mono", placeholder: "campaign=spring", spellcheck: "false" });
  const el = card(
    "Message",
    field({ label: "Title", control: title, field: "title" }),
    field({ label: "Body", control: body, field: "body" }),
    h(
      "div",
      { class: "grid-2" },
      field({
        label: "Priority",
        control: priority,
        field: "priority",
        hint: "High delivers at once and may wake the device; low saves battery and may be delayed.",
      }),
      field({ label: "Sound", control: sound, field: "sound", optional: true }),
    ),
    field({
      label: "Tags",
      control: tags,
      field: "tags",
      optional: true,
      hint: "key=value, one per line (at most 10). Tags let you find these notifications later.",
    }),
  );
  return {
    el,
    /** @returns {{ content: { title?: string, body?: string }, priority: string, sound?: string, tags?: Record<string, string> }} */
    params() {
      if (!title.value.trim() && !body.value.trim())
        throw { code: "VALIDATION_ERROR", field: "title", message: "Give the notification a title, a body, or both." };
      const tagMap = parseTags(tags.value);
      /** @type {{ content: { title?: string, body?: string }, priority: string, sound?: string, tags?: Record<string, string> }} */
      const params = { content: {}, priority: priority.value };
      if (title.value.trim()) params.content.title = title.value;
      if (body.value.trim()) params.content.body = body.value;
      if (sound.value.trim()) params.sound = sound.value.trim();
      if (tagMap) params.tags = tagMap;
      return params;
    },
  };
}
