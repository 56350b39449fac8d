// @ts-check
// /PushNotifications/Operations: list, fetch, and the FAILED notifications of one operation.
// An operation's status and stats are summed from its notifications' states at read time.

import { OPERATION_STATUSES } from "./constants.js";
import { ApiError, jsonResponse } from "./http.js";
import { notificationState, viewNotification } from "./notifications.js";
import { page, readPaging } from "./store.js";
import { clip, isoSeconds } from "./util.js";
import { Problems, readDateRange, readEnum } from "./validate.js";

/** @typedef {import("./store.js").Context} Context */
/** @typedef {import("./store.js").Operation} Operation */
/** @typedef {import("./api.js").RequestContext} RequestContext */

/**
 * Counts of the operation's notifications by state at time `t`; PROCESSING while any is queued.
 * @param {Context} emu
 * @param {Operation} op
 * @param {number} t
 */
function operationSummary(emu, op, t) {
  let queued = 0;
  let sent = 0;
  let failed = 0;
  let updatedMs = op.createdMs;
  for (const n of op.notifications) {
    const s = notificationState(emu, n, t);
    if (s.status === "QUEUED") queued++;
    else if (s.status === "SENT") sent++;
    else failed++;
    if (s.updatedMs > updatedMs) updatedMs = s.updatedMs;
  }
  return { status: queued > 0 ? "PROCESSING" : "COMPLETED", queued, sent, failed, updatedMs };
}

/**
 * An operation as the API shows it at time `t`.
 * @param {Context} emu
 * @param {Operation} op
 * @param {number} [t]
 */
export function viewOperation(emu, op, t = emu.now()) {
  const s = operationSummary(emu, op, t);
  return {
    id: op.id,
    status: s.status,
    stats: {
      total: op.total,
      recipients: op.notifications.length,
      unaddressable: op.unaddressable,
      scheduled: 0,
      queued: s.queued,
      sent: s.sent,
      failed: s.failed,
      canceled: 0,
    },
    createdAt: isoSeconds(op.createdMs),
    updatedAt: isoSeconds(s.updatedMs),
  };
}

/**
 * @param {Context} emu
 * @param {string} id
 */
function findOperation(emu, id) {
  const op = emu.state.operations.get(id);
  if (!op) throw new ApiError(404, `Operation ${clip(id)} was not found`);
  return op;
}

/**
 * GET /Operations (`status`, dates, paging), newest first.
 * @param {Context} emu
 * @param {RequestContext} req
 */
export function listOperations(emu, { query }) {
  const p = new Problems();
  const paging = readPaging(query, "operations", p);
  const status = readEnum(query, "status", OPERATION_STATUSES, p);
  const inRange = readDateRange(query, p);
  p.throwIfAny();
  const t = emu.now();
  /** @param {Operation} op */
  const filter = (op) => inRange(op.createdMs) && (!status || operationSummary(emu, op, t).status === status);
  return page("operations", emu.state.operationList, paging, {
    newestFirst: true,
    filter,
    view: (op) => viewOperation(emu, op, t),
  });
}

/**
 * GET /Operations/{id}.
 * @param {Context} emu
 * @param {RequestContext} req
 */
export function fetchOperation(emu, { params }) {
  return jsonResponse(200, viewOperation(emu, findOperation(emu, params.id)));
}

/**
 * GET /Operations/{id}/Errors: the operation's FAILED notifications, in creation order.
 * @param {Context} emu
 * @param {RequestContext} req
 */
export function listOperationErrors(emu, { params, query }) {
  const op = findOperation(emu, params.id);
  const p = new Problems();
  const paging = readPaging(query, "errors", p);
  p.throwIfAny();
  const t = emu.now();
  /** @param {import("./store.js").Notification} n */
  const filter = (n) => notificationState(emu, n, t).status === "FAILED";
  return page("errors", op.notifications, paging, { filter, view: (n) => viewNotification(emu, n, t) });
}
