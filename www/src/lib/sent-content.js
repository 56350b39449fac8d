// @ts-check
// What was sent, by operation ID. The API keeps a send's title and body on its notifications
// only, so a send that reached nobody has none to read back; the send view remembers what it
// sent (in this browser, the last MAX sends) so that Activity can still say what it was.

const KEY = "push-admin.sent-content";
const MAX = 200;

/** @typedef {{ title?: string, body?: string }} Content */

/** @returns {Record<string, Content & { at: number }>} */
function readAll() {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? "{}") ?? {};
  } catch {
    return {};
  }
}

/**
 * Remembers the content of a send.
 * @param {string} operationId
 * @param {Content} content
 */
export function rememberContent(operationId, content) {
  const all = readAll();
  all[operationId] = { title: content.title, body: content.body, at: Date.now() };
  const ids = Object.keys(all).sort((a, b) => all[b].at - all[a].at);
  for (const id of ids.slice(MAX)) delete all[id];
  try {
    localStorage.setItem(KEY, JSON.stringify(all));
  } catch {
    /* storage full or unavailable: Activity falls back to the notifications */
  }
}

/**
 * The content remembered for an operation, if this browser sent it.
 * @param {string} operationId
 * @returns {Content | null}
 */
export function recallContent(operationId) {
  const c = readAll()[operationId];
  return c ? { title: c.title, body: c.body } : null;
}

/**
 * What an operation sent: from its first notification, else from this browser's memory.
 * @param {{ listPushNotifications(p: object): Promise<{ items: { content?: Content }[] }> }} client
 * @param {string} operationId
 * @returns {Promise<Content | null>}
 */
export async function operationContent(client, operationId) {
  const remembered = recallContent(operationId);
  if (remembered) return remembered;
  const page = await client.listPushNotifications({ operationId, pageSize: 1 });
  return page.items[0]?.content ?? null;
}

/**
 * Whether an operation is final and reached no device at all (every recipient unaddressable).
 * @param {{ status?: string, stats?: { total?: number, recipients?: number } }} op
 */
export const reachedNobody = (op) =>
  op.status === "COMPLETED" && (op.stats?.recipients ?? 0) === 0 && (op.stats?.total ?? 0) > 0;
