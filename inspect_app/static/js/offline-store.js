// IndexedDB store for offline checklist work: the last known answers and the outbox.
//
// answers: {inspectionId, code, result, note, rev, dirty, conflict, error}
//   rev is the server revision the value is based on; dirty means an unsent local change.
// outbox:  {op_id, inspectionId, item, result, note, base_rev, client_ts, createdAt}
//   one entry per change; deleted only when a 200 response names its op_id.

const DB_NAME = "inspect_app";
const DB_VERSION = 1;

function promisify(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error || new Error("transaction aborted"));
    tx.onerror = () => reject(tx.error);
  });
}

export function openStore() {
  const request = indexedDB.open(DB_NAME, DB_VERSION);
  request.onupgradeneeded = () => {
    const db = request.result;
    const answers = db.createObjectStore("answers", { keyPath: ["inspectionId", "code"] });
    answers.createIndex("byInspection", "inspectionId");
    const outbox = db.createObjectStore("outbox", { keyPath: "op_id" });
    outbox.createIndex("byInspection", "inspectionId");
    outbox.createIndex("byItem", ["inspectionId", "item"]);
  };
  return promisify(request);
}

export async function answersFor(db, inspectionId) {
  const tx = db.transaction("answers", "readonly");
  const rows = await promisify(tx.objectStore("answers").index("byInspection").getAll(inspectionId));
  return new Map(rows.map((row) => [row.code, row]));
}

export async function allPending(db) {
  const tx = db.transaction("outbox", "readonly");
  const rows = await promisify(tx.objectStore("outbox").getAll());
  return rows.sort((a, b) => a.createdAt - b.createdAt);
}

export async function pendingCount(db) {
  const tx = db.transaction("outbox", "readonly");
  return promisify(tx.objectStore("outbox").count());
}

function newOpId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// Record one change: the answer and its outbox entry are written in ONE transaction, so
// a change is either fully kept (value and op) or not at all. An earlier change of the same
// item that was never sent is replaced by this one, which carries the newer value: the
// server then receives one op per item and edit session instead of a chain of revisions.
export async function recordChange(db, { inspectionId, code, result, note, knownRev }) {
  const tx = db.transaction(["answers", "outbox"], "readwrite");
  const answers = tx.objectStore("answers");
  const outbox = tx.objectStore("outbox");
  const existing = await promisify(answers.get([inspectionId, code]));
  const earlier = await promisify(outbox.index("byItem").getAll([inspectionId, code]));
  for (const op of earlier) {
    if (!op.sentAt) outbox.delete(op.op_id);
  }
  const baseRev = existing ? existing.rev : knownRev;
  const op = {
    op_id: newOpId(),
    inspectionId,
    item: code,
    result,
    note,
    base_rev: baseRev,
    client_ts: new Date().toISOString(),
    createdAt: Date.now(),
  };
  answers.put({
    inspectionId,
    code,
    result,
    note,
    rev: baseRev,
    dirty: true,
    conflict: null,
    error: null,
  });
  outbox.add(op);
  await done(tx);
  return op;
}

// Choose what to send next and mark it as sent, in one transaction, so that no other tab
// replaces an op while it is on its way. One op per item: a later change of the item waits
// until the earlier one is settled and goes out rebased on the revision it produced.
export async function takeBatch(db, limit) {
  const tx = db.transaction("outbox", "readwrite");
  const outbox = tx.objectStore("outbox");
  const pending = (await promisify(outbox.getAll())).sort((a, b) => a.createdAt - b.createdAt);
  const chosen = [];
  const seen = new Set();
  for (const op of pending) {
    const key = `${op.inspectionId}:${op.item}`;
    if (seen.has(key) || chosen.length >= limit) continue;
    seen.add(key);
    op.sentAt = Date.now();
    outbox.put(op);
    chosen.push(op);
  }
  await done(tx);
  return chosen;
}

// A send that got no answer: the ops may be replaced again (the server has not seen them,
// or will answer `duplicate` when they come back).
export async function release(db, ops) {
  const tx = db.transaction("outbox", "readwrite");
  const outbox = tx.objectStore("outbox");
  for (const op of ops) {
    const current = await promisify(outbox.get(op.op_id));
    if (current && current.sentAt) {
      delete current.sentAt;
      outbox.put(current);
    }
  }
  await done(tx);
}

// Keep the server's view of answers that have no local change waiting.
export async function rememberServerAnswers(db, inspectionId, items) {
  const tx = db.transaction(["answers", "outbox"], "readwrite");
  const answers = tx.objectStore("answers");
  const pending = await promisify(tx.objectStore("outbox").index("byInspection").getAll(inspectionId));
  const waiting = new Set(pending.map((op) => op.item));
  for (const item of items) {
    if (waiting.has(item.code)) continue;
    const current = await promisify(answers.get([inspectionId, item.code]));
    const rev = item.rev || 0;
    if (current && current.rev > rev) continue;
    answers.put({
      inspectionId,
      code: item.code,
      result: item.result ?? null,
      note: item.note ?? "",
      rev,
      dirty: false,
      conflict: current && current.rev === rev ? current.conflict : null,
      error: null,
    });
  }
  await done(tx);
}

// Apply the server's verdict on one op, in one transaction: the op leaves the outbox and
// the answer learns its new revision. Later changes of the same item made on this device
// are rebased on that revision, since they supersede the op that was just stored.
export async function settle(db, op, outcome) {
  const tx = db.transaction(["answers", "outbox"], "readwrite");
  const outbox = tx.objectStore("outbox");
  const answers = tx.objectStore("answers");
  outbox.delete(op.op_id);
  const others = (await promisify(outbox.index("byItem").getAll([op.inspectionId, op.item]))).filter(
    (other) => other.op_id !== op.op_id,
  );
  const answer = (await promisify(answers.get([op.inspectionId, op.item]))) || {
    inspectionId: op.inspectionId,
    code: op.item,
    result: op.result,
    note: op.note,
    rev: 0,
  };
  const stored = outcome.status === "applied" || (outcome.status === "duplicate" && outcome.original !== "conflict" && outcome.original !== "rejected");
  if (stored && typeof outcome.rev === "number") {
    for (const other of others) {
      if (other.base_rev < outcome.rev) {
        other.base_rev = outcome.rev;
        outbox.put(other);
      }
    }
    answer.rev = Math.max(answer.rev || 0, outcome.rev);
    answer.error = null;
  } else if (outcome.status === "conflict" && outcome.server) {
    answer.rev = outcome.server.rev;
    answer.conflict = { mine: { result: op.result, note: op.note }, server: outcome.server };
    if (!others.length) {
      answer.result = outcome.server.result;
      answer.note = outcome.server.note;
    }
  } else if (outcome.status === "rejected" || outcome.original === "rejected") {
    answer.error = outcome.error || "rejected";
  }
  answer.dirty = others.length > 0;
  answers.put(answer);
  await done(tx);
  return answer;
}
