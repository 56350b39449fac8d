// The bulk import's columnar rows (www/src/lib/import-rows.js): what the worker encodes is what
// the page reads back, row by row, across slices, without building every row.
import { test } from "node:test";
import assert from "node:assert/strict";
import { encodeRows, RowTable, SLICE_ROWS } from "../../www/src/lib/import-rows.js";

/** Rows in validateImport()'s shape, every status and every optional field somewhere. */
function sampleRows(n) {
  const rows = [];
  for (let i = 0; i < n; i++) {
    const status = i % 7 === 3 ? "invalid" : i % 11 === 5 ? "duplicate" : "pending";
    const raw = i % 5 === 0 ? ` <${i.toString(16).padStart(64, "A")}> ` : i.toString(16).padStart(64, "0");
    rows.push({
      line: i + 2,
      raw,
      provider: status === "invalid" ? null : i % 2 ? "FCM" : "APN",
      userId: i % 13 === 0 ? `user-${i % 6}` : null,
      appName: i % 3 === 0 ? "ios-app" : null,
      identity: i % 17 === 0 ? `identity-${i % 4}` : null,
      status,
      token: status === "invalid" ? null : raw.trim().replace(/[<>]/g, "").toLowerCase(),
      code: status === "invalid" ? "INVALID_CHARACTER" : null,
      message: status === "invalid" ? `bad character at ${i % 4}` : null,
      firstLine: status === "duplicate" ? 2 : null,
      attempts: 0,
    });
  }
  return rows;
}

test("a table read back row by row is the rows encoded, across slices", () => {
  const rows = sampleRows(SLICE_ROWS * 2 + 123);
  const table = RowTable.fromRows(rows);
  assert.equal(table.length, rows.length);
  // Out of order too: the slice lookup must not depend on reading in order.
  const order = [0, rows.length - 1, SLICE_ROWS, SLICE_ROWS - 1, 17, SLICE_ROWS * 2, 3, SLICE_ROWS + 5];
  for (const i of [...order, ...rows.keys()]) {
    assert.deepEqual(table.row(i), { index: i, ...rows[i] }, `row ${i}`);
    assert.equal(table.status(i), rows[i].status);
    assert.equal(table.line(i), rows[i].line);
    assert.equal(table.value(i, "appName"), rows[i].appName);
  }
});

test("each() visits the rows with a status in order and stops when asked", () => {
  const rows = sampleRows(SLICE_ROWS + 500);
  const table = RowTable.fromRows(rows);
  const invalid = [];
  table.each("invalid", (i) => {
    invalid.push(i);
  });
  assert.deepEqual(
    invalid,
    [...rows.keys()].filter((i) => rows[i].status === "invalid"),
  );
  const firstThree = [];
  table.each("duplicate", (i) => {
    firstThree.push(i);
    return firstThree.length < 3;
  });
  assert.deepEqual(firstThree, [5, 16, 27]);
});

test("a slice is flat: typed arrays to transfer and one string per text column", () => {
  const rows = sampleRows(1000);
  const { slice, transfer } = encodeRows(rows, 200, 700);
  assert.equal(slice.count, 500);
  assert.equal(typeof slice.raw, "string");
  assert.equal(typeof slice.token, "string");
  assert.ok(slice.values.length < 50, `few distinct repeated values (${slice.values.length})`);
  for (const buffer of transfer) assert.ok(buffer instanceof ArrayBuffer);
  // What structured clone would give the page (the buffers moved, not copied) reads back the same.
  const copy = structuredClone(slice, { transfer });
  const table = new RowTable();
  table.add(copy);
  assert.deepEqual(table.row(0), { index: 0, ...rows[200] });
  assert.deepEqual(table.row(499), { index: 499, ...rows[699] });
  assert.equal(slice.line.byteLength, 0, "the line column was transferred");
});

test("a row is found by its input line, in any slice; a line without a row is not", () => {
  const rows = sampleRows(SLICE_ROWS * 3).filter((_, i) => i % 4 !== 1);
  const table = RowTable.fromRows(rows);
  for (const i of [0, 1, SLICE_ROWS - 7, SLICE_ROWS * 2, rows.length - 1])
    assert.equal(table.indexOfLine(rows[i].line), i);
  assert.equal(table.indexOfLine(3), -1, "line 3 (row 1) was left out");
  assert.equal(table.indexOfLine(1), -1, "the header line");
  assert.equal(table.indexOfLine(rows[rows.length - 1].line + 1), -1);
});

test("an empty table has no rows and visits none", () => {
  const table = RowTable.fromRows([]);
  assert.equal(table.length, 0);
  table.each("pending", () => assert.fail("no rows to visit"));
});
