// @ts-check
// /PushNotifications/Users: list, fetch and delete. Users are created by registering a device
// without a userId (registrations.js).

import { ApiError, accepted, jsonResponse } from "./http.js";
import { removeRegistration } from "./records.js";
import { page, readPaging } from "./store.js";
import { clip, isoSeconds } from "./util.js";
import { Problems } from "./validate.js";

/** @typedef {import("./store.js").Context} Context */
/** @typedef {import("./api.js").RequestContext} RequestContext */

/**
 * A user as the API shows it (`deletedAt` is null: deletes are hard).
 * @param {import("./store.js").User} user
 */
export function viewUser(user) {
  return {
    id: user.id,
    createdAt: isoSeconds(user.createdMs),
    updatedAt: isoSeconds(user.updatedMs),
    deletedAt: null,
  };
}

/**
 * @param {Context} emu
 * @param {string} id
 */
function findUser(emu, id) {
  const user = emu.state.users.get(id);
  if (!user) throw new ApiError(404, `User ${clip(id)} was not found`);
  return user;
}

/**
 * GET /Users (paging only).
 * @param {Context} emu
 * @param {RequestContext} req
 */
export function listUsers(emu, { query }) {
  const p = new Problems();
  const paging = readPaging(query, "users", p);
  p.throwIfAny();
  return page("users", [...emu.state.users.values()], paging, { view: viewUser });
}

/**
 * GET /Users/{id}.
 * @param {Context} emu
 * @param {RequestContext} req
 */
export function fetchUser(emu, { params }) {
  return jsonResponse(200, viewUser(findUser(emu, params.id)));
}

/**
 * DELETE /Users/{id}: the user and all its registrations.
 * @param {Context} emu
 * @param {RequestContext} req
 */
export function deleteUser(emu, { params }) {
  const user = findUser(emu, params.id);
  for (const regId of [...user.registrations.values()]) {
    const reg = emu.state.registrations.get(regId);
    if (reg) removeRegistration(emu, reg);
  }
  emu.state.users.delete(user.id);
  return accepted(emu.baseUrl, "Users", user.id);
}
