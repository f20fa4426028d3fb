// IndexedDB store for offline checklist work (docs/CONTRACTS.md, "Offline-first checklist").
//
// outbox:    one entry per change, owned by the user who made it.
//            {op_id, seq, owner, inspectionId, item, result, note, base_rev, base_op,
//             client_ts, createdAt, attempted, state, error}
//            seq     a local sequence (never the clock) that orders what is sent;
//            state   "pending" (waits to be sent), "rejected" (the server refused the op),
//                    "refused" (the server refused the whole request: not on the team, no
//                    such inspection) or "invalid" (the entry cannot be sent as it is);
//            attempted  the entry has been sent at least once: its payload never changes
//                    again, so that a resend is answered `duplicate`.
//            An entry leaves the outbox only when a 200 response names its op_id with
//            `applied`, `duplicate` or `conflict`, or when its user discards it.
// answers:   the server's values as last seen by each user, plus `mine` while one of the
//            user's values waits for the lead as a conflict.
// meta:      {key: "seq"} the last sequence number, {key: "device"} this browser's id.
// downloads: which inspections a user keeps for offline work, and since when.
// photos:    a photo or file for one checklist item, waiting to be uploaded.
//            {upload_id, seq, owner, inspectionId, item, name, type, size, blob, createdAt,
//             attempted, state, error}
//            upload_id  a UUID4 sent with the file: a resend (the answer was lost) is
//                    stored once by the server, which answers with the same file;
//            state   "pending" or "rejected" (the server refused the file, `error` says why).
//            A photo leaves the store only when the server answered that it holds the file,
//            or when its user discards it.

const DB_NAME = "inspect_app";
const DB_VERSION = 3;
//: entries from the first version of this store, which did not record their user.
export const LEGACY_OWNER = "";
export const RESULTS = ["conform", "nonconform", "observation", "not_applicable"];
const MAX_NOTE = 10000;
const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export class StorageUnavailable extends Error {}

export function promisify(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error || new DOMException("transaction aborted", "AbortError"));
    tx.onerror = () => reject(tx.error);
  });
}

// Run `work(stores)` in one transaction; any failure aborts it, so nothing is half-written.
async function inTransaction(db, names, mode, work) {
  const tx = db.transaction(names, mode);
  const finished = done(tx);
  const stores = Object.fromEntries(names.map((name) => [name, tx.objectStore(name)]));
  let value;
  try {
    value = await work(stores, tx);
  } catch (error) {
    try {
      tx.abort();
    } catch (ignored) {
      // already finished or aborted
    }
    finished.catch(() => {});
    throw error;
  }
  await finished;
  return value;
}

function createStores(db) {
  const outbox = db.createObjectStore("outbox", { keyPath: "op_id" });
  outbox.createIndex("bySeq", "seq");
  outbox.createIndex("byOwnerState", ["owner", "state"]);
  outbox.createIndex("byOwnerInspection", ["owner", "inspectionId"]);
  outbox.createIndex("byItem", ["owner", "inspectionId", "item"]);
  outbox.createIndex("byOwner", "owner");
  const answers = db.createObjectStore("answers", { keyPath: ["owner", "inspectionId", "code"] });
  answers.createIndex("byInspection", ["owner", "inspectionId"]);
  db.createObjectStore("meta", { keyPath: "key" });
  const downloads = db.createObjectStore("downloads", { keyPath: ["owner", "inspectionId"] });
  downloads.createIndex("byOwner", "owner");
}

function createPhotoStore(db) {
  const photos = db.createObjectStore("photos", { keyPath: "upload_id" });
  photos.createIndex("bySeq", "seq");
  photos.createIndex("byOwnerState", ["owner", "state"]);
  photos.createIndex("byOwnerInspection", ["owner", "inspectionId"]);
}

// Version 1 kept one outbox for everyone and ordered it by the clock: its entries are
// kept, in their old order, as entries of an unknown user that someone must claim.
function upgradeFromV1(db, tx) {
  const read = tx.objectStore("outbox").getAll();
  read.onsuccess = () => {
    const legacy = read.result.sort((a, b) => (a.createdAt || 0) - (b.createdAt || 0));
    db.deleteObjectStore("outbox");
    db.deleteObjectStore("answers");
    createStores(db);
    const outbox = tx.objectStore("outbox");
    legacy.forEach((op, index) => {
      outbox.put({
        op_id: op.op_id,
        seq: index + 1,
        owner: LEGACY_OWNER,
        inspectionId: op.inspectionId,
        item: op.item,
        result: op.result ?? null,
        note: op.note ?? "",
        base_rev: op.base_rev ?? 0,
        base_op: null,
        client_ts: op.client_ts || null,
        createdAt: op.createdAt || Date.now(),
        attempted: Boolean(op.sentAt),
        state: "pending",
        error: null,
      });
    });
    tx.objectStore("meta").put({ key: "seq", value: legacy.length });
  };
}

export function openStore() {
  return new Promise((resolve, reject) => {
    let request;
    try {
      request = indexedDB.open(DB_NAME, DB_VERSION);
    } catch (error) {
      reject(new StorageUnavailable(String(error && error.message ? error.message : error)));
      return;
    }
    request.onupgradeneeded = (event) => {
      if (event.oldVersion < 1) createStores(request.result);
      else if (event.oldVersion < 2) upgradeFromV1(request.result, request.transaction);
      if (event.oldVersion < 3) createPhotoStore(request.result);
    };
    request.onsuccess = () => {
      const db = request.result;
      // Another tab opening a newer version: let it upgrade, this page reloads.
      db.onversionchange = () => db.close();
      resolve(db);
    };
    request.onerror = () => reject(new StorageUnavailable(String(request.error && request.error.message)));
    request.onblocked = () => reject(new StorageUnavailable("blocked by another tab"));
  });
}

const MIN_FREE_BYTES = 1024 * 1024;

// Before the first change: a real write and delete, and room left in the quota.
export async function checkStorage(db) {
  await inTransaction(db, ["meta"], "readwrite", async ({ meta }) => {
    meta.put({ key: "probe", value: Date.now() });
    meta.delete("probe");
  });
  if (navigator.storage && navigator.storage.estimate) {
    const { quota, usage } = await navigator.storage.estimate();
    if (typeof quota === "number" && typeof usage === "number" && quota - usage < MIN_FREE_BYTES) {
      throw new DOMException("storage is full", "QuotaExceededError");
    }
  }
}

function newOpId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

async function nextSeq(meta) {
  const row = await promisify(meta.get("seq"));
  const value = (row ? row.value : 0) + 1;
  meta.put({ key: "seq", value });
  return value;
}

export async function deviceId(db) {
  return inTransaction(db, ["meta"], "readwrite", async ({ meta }) => {
    const row = await promisify(meta.get("device"));
    if (row) return row.value;
    const value = newOpId();
    meta.put({ key: "device", value });
    return value;
  });
}

function bySeq(a, b) {
  return a.seq - b.seq;
}

// The base of a new edit. Entries never sent are replaced (the new one carries the newer
// value and their base); an entry already sent is kept, and the new edit follows it
// (`base_op`), so the server never takes one's own later edit for a conflict.
function baseFor(earlier, snapshot, knownRev) {
  const attempted = earlier.filter((op) => op.attempted).sort(bySeq);
  const last = attempted[attempted.length - 1];
  if (last) return { base_rev: last.base_rev, base_op: last.op_id };
  const fresh = earlier.filter((op) => !op.attempted).sort(bySeq)[0];
  if (fresh) return { base_rev: fresh.base_rev, base_op: fresh.base_op };
  return { base_rev: Math.max(snapshot ? snapshot.rev : 0, knownRev || 0), base_op: null };
}

// Record one change: the outbox entry and its sequence number in ONE transaction. Returns
// the new entry and the ids of the entries it replaced.
export async function recordChange(db, { owner, inspectionId, code, result, note, knownRev }) {
  return inTransaction(db, ["outbox", "answers", "meta"], "readwrite", async ({ outbox, answers, meta }) => {
    const snapshot = await promisify(answers.get([owner, inspectionId, code]));
    const earlier = (await promisify(outbox.index("byItem").getAll([owner, inspectionId, code]))).filter(
      (op) => op.state === "pending",
    );
    const base = baseFor(earlier, snapshot, knownRev);
    const replaced = earlier.filter((op) => !op.attempted).map((op) => op.op_id);
    replaced.forEach((id) => outbox.delete(id));
    const op = {
      op_id: newOpId(),
      seq: await nextSeq(meta),
      owner,
      inspectionId,
      item: code,
      result,
      note,
      base_rev: base.base_rev,
      base_op: base.base_op,
      client_ts: new Date().toISOString(),
      createdAt: Date.now(),
      attempted: false,
      state: "pending",
      error: null,
    };
    outbox.add(op);
    return { op, replaced };
  });
}

// Why an entry cannot be sent as it is (a damaged or foreign entry), or null.
export function invalidReason(op) {
  if (!op || typeof op !== "object") return "not an object";
  if (typeof op.op_id !== "string" || !UUID4.test(op.op_id)) return "op_id";
  if (!Number.isInteger(op.inspectionId) || op.inspectionId <= 0) return "inspection";
  if (typeof op.item !== "string" || !op.item || op.item.length > 32) return "item";
  if (op.result !== null && !RESULTS.includes(op.result)) return "result";
  if (typeof op.note !== "string" || op.note.length > MAX_NOTE) return "note";
  if (!Number.isInteger(op.base_rev) || op.base_rev < 0) return "base_rev";
  if (op.base_op !== null && op.base_op !== undefined && !(typeof op.base_op === "string" && UUID4.test(op.base_op))) {
    return "base_op";
  }
  return null;
}

// The next entries of `owner` to send, in the order they were made; they are marked as
// attempted in the same transaction, before anything leaves the device. A cursor over the
// sequence stops as soon as the batch is full, however long the outbox is.
export async function takeBatch(db, owner, limit, invalidText) {
  return inTransaction(db, ["outbox"], "readwrite", async ({ outbox }) => {
    const chosen = [];
    const request = outbox.index("bySeq").openCursor();
    await new Promise((resolve, reject) => {
      request.onerror = () => reject(request.error);
      request.onsuccess = () => {
        const cursor = request.result;
        if (!cursor || chosen.length >= limit) return resolve();
        const op = cursor.value;
        if (op.owner === owner && op.state === "pending") {
          const reason = invalidReason(op);
          if (reason) {
            op.state = "invalid";
            op.error = invalidText(reason);
            cursor.update(op);
          } else {
            if (!op.attempted) {
              op.attempted = true;
              cursor.update(op);
            }
            chosen.push(op);
          }
        }
        cursor.continue();
      };
    });
    return chosen;
  });
}

function stored(outcome) {
  return outcome.status === "applied" || (outcome.status === "duplicate" && outcome.original === "applied");
}

function conflicted(outcome) {
  return outcome.status === "conflict" || (outcome.status === "duplicate" && outcome.original === "conflict");
}

// Apply the server's verdicts on one batch in one transaction. Returns the settled entries.
export async function settleBatch(db, ops, results, rejectedText) {
  const byId = new Map(ops.map((op) => [op.op_id, op]));
  const verdicts = (results || []).filter((outcome) => byId.has(outcome.op_id));
  return inTransaction(db, ["outbox", "answers"], "readwrite", async ({ outbox, answers }) => {
    // Every read at once; the writes follow in the order of the verdicts.
    const keys = [...new Set(verdicts.map((outcome) => {
      const op = byId.get(outcome.op_id);
      return JSON.stringify([op.owner, op.inspectionId, op.item]);
    }))].map((key) => JSON.parse(key));
    const [snapshots, laters] = await Promise.all([
      Promise.all(keys.map((key) => promisify(answers.get(key)))),
      Promise.all(keys.map((key) => promisify(outbox.index("byItem").getAll(key)))),
    ]);
    const snapshotOf = new Map();
    const laterOf = new Map();
    keys.forEach((key, index) => {
      const id = JSON.stringify(key);
      snapshotOf.set(id, snapshots[index] || { owner: key[0], inspectionId: key[1], code: key[2], result: null, note: "", rev: 0, mine: null });
      laterOf.set(id, laters[index]);
    });
    const touched = [];
    for (const outcome of verdicts) {
      const op = byId.get(outcome.op_id);
      const id = JSON.stringify([op.owner, op.inspectionId, op.item]);
      const snapshot = snapshotOf.get(id);
      if (stored(outcome)) {
        outbox.delete(op.op_id);
        const rev = typeof outcome.op_rev === "number" ? outcome.op_rev : outcome.rev;
        if (typeof rev === "number" && rev >= snapshot.rev) {
          Object.assign(snapshot, { result: op.result, note: op.note, rev, mine: null });
        }
        // Later edits not yet sent follow this op: they are rebased on what it produced.
        for (const next of laterOf.get(id)) {
          if (!next.attempted && next.base_op === op.op_id && typeof rev === "number") {
            next.base_rev = rev;
            next.base_op = null;
            outbox.put(next);
          }
        }
      } else if (conflicted(outcome)) {
        outbox.delete(op.op_id);
        if (outcome.server) {
          Object.assign(snapshot, { result: outcome.server.result, note: outcome.server.note || "", rev: outcome.server.rev });
        }
        snapshot.mine = { result: op.result, note: op.note, op_id: op.op_id, server: outcome.server || null };
      } else {
        op.state = "rejected";
        op.error = outcome.error || rejectedText;
        outbox.put(op);
      }
      touched.push(op);
    }
    for (const snapshot of snapshotOf.values()) answers.put(snapshot);
    return touched;
  });
}

// Mark entries the server would not take as a whole request (not on the team, unknown
// inspection, malformed): they stay on the device, shown, and are no longer sent.
export async function markUnsendable(db, ops, state, error) {
  return inTransaction(db, ["outbox"], "readwrite", async ({ outbox }) => {
    for (const op of ops) {
      const current = await promisify(outbox.get(op.op_id));
      if (current && current.state === "pending") {
        current.state = state;
        current.error = error;
        outbox.put(current);
      }
    }
  });
}

// The user's choice for an entry the server refused: send it again as a new change, or
// discard it. Only the owner's own entries.
export async function discardEntry(db, owner, opId) {
  return inTransaction(db, ["outbox"], "readwrite", async ({ outbox }) => {
    const op = await promisify(outbox.get(opId));
    if (op && op.owner === owner && op.state !== "pending") outbox.delete(opId);
    return op;
  });
}

export async function retryEntry(db, owner, opId) {
  const op = await discardEntry(db, owner, opId);
  if (!op || op.owner !== owner) return null;
  return recordChange(db, {
    owner,
    inspectionId: op.inspectionId,
    code: op.item,
    result: op.result,
    note: op.note,
    knownRev: 0,
  });
}

// Entries made before entries had owners: the user who knows they are theirs claims them.
export async function claimLegacy(db, owner) {
  return inTransaction(db, ["outbox"], "readwrite", async ({ outbox }) => {
    const legacy = await promisify(outbox.index("byOwner").getAll(LEGACY_OWNER));
    for (const op of legacy) {
      op.owner = owner;
      outbox.put(op);
    }
    return legacy.length;
  });
}

export async function entriesOf(db, owner, inspectionId) {
  const tx = db.transaction("outbox", "readonly");
  const index = inspectionId === undefined ? tx.objectStore("outbox").index("byOwner") : tx.objectStore("outbox").index("byOwnerInspection");
  const key = inspectionId === undefined ? owner : [owner, inspectionId];
  return (await promisify(index.getAll(key))).sort(bySeq);
}

// How many items of an inspection have a change waiting (several entries of one item count
// once: an edit made while an earlier one was in doubt is still one change for the user).
export async function countPending(db, owner, inspectionId, except = new Set()) {
  const tx = db.transaction("outbox", "readonly");
  const rows = await promisify(tx.objectStore("outbox").index("byOwnerInspection").getAll([owner, inspectionId]));
  return new Set(rows.filter((op) => op.state === "pending" && !except.has(op.op_id)).map((op) => op.item)).size;
}

// Counts for the status line: the owner's entries by state, and other users' entries
// (how many, never their content). Index counts only, so that it stays cheap however full
// the outbox is; `pending` counts entries (the checklist page counts items of its own
// inspection from what it already holds).
export async function summary(db, owner) {
  const tx = db.transaction("outbox", "readonly");
  const store = tx.objectStore("outbox");
  const byState = store.index("byOwnerState");
  const photoState = db.transaction("photos", "readonly").objectStore("photos").index("byOwnerState");
  const [pending, rejected, refused, invalid, total, mine, photos, photosRefused] = await Promise.all([
    promisify(byState.count([owner, "pending"])),
    promisify(byState.count([owner, "rejected"])),
    promisify(byState.count([owner, "refused"])),
    promisify(byState.count([owner, "invalid"])),
    promisify(store.count()),
    promisify(store.index("byOwner").count(owner)),
    promisify(photoState.count([owner, "pending"])),
    promisify(photoState.count([owner, "rejected"])),
  ]);
  return { pending, refused: rejected + refused + invalid, others: total - mine, photos, photosRefused };
}

// Whose entries wait on this device besides `owner` (names and counts only).
export async function otherOwners(db, owner) {
  const tx = db.transaction("outbox", "readonly");
  const counts = new Map();
  const request = tx.objectStore("outbox").index("byOwner").openKeyCursor();
  await new Promise((resolve, reject) => {
    request.onsuccess = () => {
      const cursor = request.result;
      if (!cursor) return resolve();
      if (cursor.key !== owner) counts.set(cursor.key, (counts.get(cursor.key) || 0) + 1);
      cursor.continue();
    };
    request.onerror = () => reject(request.error);
  });
  return counts;
}

export async function snapshotsFor(db, owner, inspectionId) {
  const tx = db.transaction("answers", "readonly");
  const rows = await promisify(tx.objectStore("answers").index("byInspection").getAll([owner, inspectionId]));
  return new Map(rows.map((row) => [row.code, row]));
}

// Keep the server's view of the answers, and which of the user's values wait for the lead:
// a conflict the lead resolved is cleared here, on every member's device.
export async function rememberServer(db, owner, inspectionId, items, myConflicts) {
  const waiting = new Map(myConflicts.map((c) => [c.item, c]));
  return inTransaction(db, ["answers"], "readwrite", async ({ answers }) => {
    const rows = await promisify(answers.index("byInspection").getAll([owner, inspectionId]));
    const known = new Map(rows.map((row) => [row.code, row]));
    for (const item of items) {
      const current = known.get(item.code);
      const conflict = waiting.get(item.code);
      let mine = null;
      if (conflict) {
        const same = current && current.mine && current.mine.op_id === conflict.op_id;
        mine = same ? current.mine : { ...conflict.client, op_id: conflict.op_id, server: null };
        mine.kind = conflict.kind;
      }
      const next = {
        owner,
        inspectionId,
        code: item.code,
        result: item.result ?? null,
        note: item.note ?? "",
        rev: item.rev || 0,
        updatedBy: item.updatedBy || null,
        mine,
      };
      if (!current || JSON.stringify(current) !== JSON.stringify(next)) answers.put(next);
    }
  });
}

// ---- photos and files of checklist items ---------------------------------------------

// Keep a photo (or any file) for an item until it is uploaded. The bytes are read first and
// stored as the store's own copy, so the photo survives the camera app's temporary file.
export async function keepPhoto(db, { owner, inspectionId, code, file, name }) {
  const bytes = await file.arrayBuffer();
  const blob = new Blob([bytes], { type: file.type || "application/octet-stream" });
  return inTransaction(db, ["photos", "meta"], "readwrite", async ({ photos, meta }) => {
    const photo = {
      upload_id: newOpId(),
      seq: await nextSeq(meta),
      owner,
      inspectionId,
      item: code,
      name,
      type: blob.type,
      size: blob.size,
      blob,
      createdAt: Date.now(),
      attempted: false,
      state: "pending",
      error: null,
    };
    photos.add(photo);
    return photo;
  });
}

export async function photosOf(db, owner, inspectionId) {
  const tx = db.transaction("photos", "readonly");
  const store = tx.objectStore("photos");
  const rows = inspectionId === undefined
    ? await promisify(store.index("byOwnerState").getAll(IDBKeyRange.bound([owner, ""], [owner, "\uffff"])))
    : await promisify(store.index("byOwnerInspection").getAll([owner, inspectionId]));
  return rows.sort(bySeq);
}

// The oldest photo of `owner` still to send (none of `skip`), marked as attempted.
export async function takePhoto(db, owner, skip) {
  return inTransaction(db, ["photos"], "readwrite", async ({ photos }) => {
    const keys = await promisify(photos.index("byOwnerState").getAllKeys([owner, "pending"]));
    const candidates = [];
    for (const key of keys.filter((id) => !skip.has(id))) candidates.push(await promisify(photos.get(key)));
    const next = candidates.sort(bySeq)[0];
    if (next && !next.attempted) {
      next.attempted = true;
      photos.put(next);
    }
    return next || null;
  });
}

// The server holds the file: the device's copy goes.
export async function settlePhoto(db, uploadId) {
  return inTransaction(db, ["photos"], "readwrite", async ({ photos }) => {
    photos.delete(uploadId);
  });
}

// The server refused the file: it stays, shown with the reason, and is no longer sent.
export async function refusePhoto(db, uploadId, error) {
  return inTransaction(db, ["photos"], "readwrite", async ({ photos }) => {
    const photo = await promisify(photos.get(uploadId));
    if (photo && photo.state === "pending") {
      photo.state = "rejected";
      photo.error = error;
      photos.put(photo);
    }
  });
}

// The user's choice for a refused photo: send it again (the same upload: the server stored
// nothing of it), or discard it. Only the owner's own photos.
export async function retryPhoto(db, owner, uploadId) {
  return inTransaction(db, ["photos"], "readwrite", async ({ photos }) => {
    const photo = await promisify(photos.get(uploadId));
    if (photo && photo.owner === owner && photo.state === "rejected") {
      photo.state = "pending";
      photo.error = null;
      photos.put(photo);
    }
  });
}

export async function discardPhoto(db, owner, uploadId) {
  return inTransaction(db, ["photos"], "readwrite", async ({ photos }) => {
    const photo = await promisify(photos.get(uploadId));
    if (photo && photo.owner === owner && photo.state === "rejected") photos.delete(uploadId);
  });
}

export async function rememberDownload(db, record) {
  return inTransaction(db, ["downloads"], "readwrite", async ({ downloads }) => {
    const current = await promisify(downloads.get([record.owner, record.inspectionId]));
    downloads.put({ ...(current || {}), ...record });
  });
}

export async function downloadsOf(db, owner) {
  const tx = db.transaction("downloads", "readonly");
  return promisify(tx.objectStore("downloads").index("byOwner").getAll(owner));
}

export async function forgetDownload(db, owner, inspectionId) {
  return inTransaction(db, ["downloads"], "readwrite", async ({ downloads }) => {
    downloads.delete([owner, inspectionId]);
  });
}
