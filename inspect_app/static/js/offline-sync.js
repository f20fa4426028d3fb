// Sending the outbox (docs/CONTRACTS.md, "Offline-first checklist").
//
// Single-flight across tabs (Web Locks). Only the entries of the user whose session this
// is are sent, and each request names that user, so the server refuses it whole under
// anyone else's session. Entries go out in the order they were made (their local sequence).
// A request the server refuses whole never blocks the others: a malformed batch is split
// until the bad entry is found and set aside; an inspection the user may no longer write
// keeps its entries on the device, marked, while the rest goes on. Photos of checklist items
// follow the answers, one request each, under the id the device gave them (`upload_id`), so
// that a photo whose answer was lost is stored once however often it is sent.
import {
  countPending,
  deviceId,
  entriesOf,
  markUnsendable,
  photosOf,
  promisify,
  refusePhoto,
  settlePhoto,
  settleBatch,
  takeBatch,
  takePhoto,
} from "./offline-store.js";

const MAX_BATCH = 200;
const lang = document.documentElement.lang === "en" ? "en" : "vi";

export const SYNC_TEXT = {
  vi: {
    loginNeeded: "Phiên đăng nhập đã hết hạn hoặc không còn hiệu lực. Các thay đổi vẫn được giữ trên máy này; hãy đăng nhập lại rồi bấm “Đồng bộ ngay”.",
    otherUser: (name) => `Trình duyệt đang đăng nhập bằng tài khoản khác (${name}). Thay đổi của bạn được giữ trên máy này và chỉ gửi khi bạn đăng nhập lại.`,
    forbidden: "Máy chủ không nhận kết quả của bạn cho cuộc kiểm tra này (bạn không còn trong đoàn kiểm tra hoặc cuộc kiểm tra không còn). Thay đổi vẫn được giữ trên máy này.",
    invalid: (reason) => `Mục này không gửi được (${reason}). Thay đổi vẫn được giữ trên máy này.`,
    rejected: "Máy chủ đã từ chối thay đổi này.",
    photoRefused: "Máy chủ không nhận tệp này.",
    photoForbidden: "Máy chủ không nhận tệp cho cuộc kiểm tra này (bạn không còn trong đoàn kiểm tra hoặc cuộc kiểm tra không còn).",
  },
  en: {
    loginNeeded: "Your session has expired. Changes are kept on this device; log in again, then press “Sync now”.",
    otherUser: (name) => `This browser is logged in as another user (${name}). Your changes are kept on this device and are sent when you log in again.`,
    forbidden: "The server does not take your answers for this inspection (you are no longer on its team, or it no longer exists). The changes are kept on this device.",
    invalid: (reason) => `This entry cannot be sent (${reason}). It is kept on this device.`,
    rejected: "The server refused this change.",
    photoRefused: "The server did not accept this file.",
    photoForbidden: "The server does not take files for this inspection (you are no longer on its team, or it no longer exists).",
  },
}[lang];

export class Pause extends Error {
  constructor(message, { login = false } = {}) {
    super(message);
    this.login = login;
  }
}

async function session(csrfUrl) {
  let response;
  try {
    response = await fetch(csrfUrl, { credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store" });
  } catch (error) {
    throw new Error(`network: ${error}`);
  }
  const type = response.headers.get("Content-Type") || "";
  if (response.status === 401 || response.status === 403 || response.redirected || !type.includes("json")) {
    throw new Pause(SYNC_TEXT.loginNeeded, { login: true });
  }
  if (!response.ok) throw new Error(`csrf ${response.status}`);
  const body = await response.json();
  return { token: body.csrf_token, user: body.user ? body.user.username : null };
}

async function answerOf(response) {
  try {
    return await response.json();
  } catch (error) {
    return {};
  }
}

async function post(url, token, body) {
  const response = await fetch(url, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await answerOf(response) };
}

function wire(op) {
  const body = { op_id: op.op_id, item: op.item, result: op.result, note: op.note, base_rev: op.base_rev, client_ts: op.client_ts };
  if (op.base_op) body.base_op = op.base_op;
  return body;
}

export function withSyncLock(task) {
  if (navigator.locks) {
    return navigator.locks.request("inspect-app-sync", { ifAvailable: true }, async (lock) => (lock ? task() : null));
  }
  return task();
}

// Send one inspection's batch; split it when the server refuses it as malformed.
async function sendGroup(ctx, inspectionId, ops) {
  const remaining = await countPending(ctx.db, ctx.owner, inspectionId, new Set(ops.map((op) => op.op_id)));
  const { status, body } = await post(`/api/v1/inspections/${inspectionId}/answers`, ctx.token, {
    user: ctx.owner,
    device: ctx.device,
    pending: Math.max(0, remaining),
    ops: ops.map(wire),
  });
  if (status === 200) {
    const touched = await settleBatch(ctx.db, ops, body.results, SYNC_TEXT.rejected);
    ctx.reported.set(inspectionId, Math.max(0, remaining));
    ctx.onSettled(touched, body.results);
    return;
  }
  if (status === 401) throw new Pause(SYNC_TEXT.loginNeeded, { login: true });
  if (status === 403 && /csrf/i.test(body.error || "")) throw new Pause(SYNC_TEXT.loginNeeded, { login: true });
  if (status === 409) throw new Pause(SYNC_TEXT.otherUser("?"), { login: true });
  if (status === 403 || status === 404) {
    await markUnsendable(ctx.db, ops, "refused", SYNC_TEXT.forbidden);
    ctx.onSettled(ops, []);
    return;
  }
  if (status === 400 || status === 413 || status === 422) {
    if (ops.length > 1) {
      const half = Math.ceil(ops.length / 2);
      await sendGroup(ctx, inspectionId, ops.slice(0, half));
      await sendGroup(ctx, inspectionId, ops.slice(half));
      return;
    }
    await markUnsendable(ctx.db, ops, "invalid", SYNC_TEXT.invalid(body.error || status));
    ctx.onSettled(ops, []);
    return;
  }
  throw new Error(`sync ${status}`); // the server is down or failing: retry later
}

// Upload the photos of `owner`, oldest first. The server answers 201 (stored) or 200 (it
// already held this upload): either way the device's copy goes. A refusal (type, size, the
// inspection is locked or out of reach) keeps the photo, shown with the server's reason.
async function sendPhotos(ctx) {
  const tried = new Set();
  for (;;) {
    const photo = await takePhoto(ctx.db, ctx.owner, tried);
    if (!photo) return;
    tried.add(photo.upload_id);
    if (!(photo.blob instanceof Blob) || !Number.isInteger(photo.inspectionId) || typeof photo.item !== "string") {
      await refusePhoto(ctx.db, photo.upload_id, SYNC_TEXT.invalid("photo")); // a damaged entry
      ctx.onPhoto(photo, null);
      continue;
    }
    const form = new FormData();
    form.append("inspection_id", String(photo.inspectionId));
    form.append("item", photo.item);
    form.append("upload_id", photo.upload_id);
    form.append("file", photo.blob, photo.name);
    let response;
    try {
      response = await fetch(ctx.evidenceUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": ctx.token },
        body: form,
      });
    } catch (error) {
      throw new Error(`network: ${error}`); // the photo stays; the next sync sends it again
    }
    const body = await answerOf(response);
    const status = response.status;
    if (status === 200 || status === 201) {
      await settlePhoto(ctx.db, photo.upload_id);
      ctx.onPhoto(photo, body);
    } else if (status === 401 || (status === 403 && /csrf/i.test(body.error || ""))) {
      throw new Pause(SYNC_TEXT.loginNeeded, { login: true });
    } else if (status === 403 || status === 404) {
      await refusePhoto(ctx.db, photo.upload_id, SYNC_TEXT.photoForbidden);
      ctx.onPhoto(photo, null);
    } else if ([400, 409, 413, 415, 422].includes(status)) {
      // the server says why (size, kind of file, a locked inspection) in the user's language
      await refusePhoto(ctx.db, photo.upload_id, body.error || SYNC_TEXT.photoRefused);
      ctx.onPhoto(photo, null);
    } else {
      throw new Error(`upload ${status}`); // the server is down or failing: retry later
    }
  }
}

// Tell the server how many changes this device still holds for each inspection it sent
// to, so that the lead is warned before concluding while some are missing.
async function reportDevices(ctx) {
  const own = [...(await entriesOf(ctx.db, ctx.owner)), ...(await photosOf(ctx.db, ctx.owner))];
  const items = new Map();
  for (const op of own) {
    if (op.state !== "pending") continue;
    if (!items.has(op.inspectionId)) items.set(op.inspectionId, new Set());
    items.get(op.inspectionId).add(op.item);
  }
  const counts = new Map([...items].map(([id, codes]) => [id, codes.size]));
  const tx = ctx.db.transaction("meta", "readonly");
  const row = await promisify(tx.objectStore("meta").get(`reported:${ctx.owner}`));
  const last = new Map(row ? row.value : []);
  for (const [id, value] of ctx.reported) last.set(id, value);
  for (const id of new Set([...last.keys(), ...counts.keys()])) {
    const now = counts.get(id) || 0;
    if (last.get(id) === now) continue;
    const { status } = await post(`/api/v1/inspections/${id}/device`, ctx.token, { user: ctx.owner, device: ctx.device, pending: now });
    if (status === 200 || status === 403 || status === 404) last.set(id, now);
  }
  const write = ctx.db.transaction("meta", "readwrite");
  await promisify(write.objectStore("meta").put({ key: `reported:${ctx.owner}`, value: [...last].filter(([, n]) => n > 0) }));
}

// Send every pending entry and photo of `owner`. Throws Pause when the user must act (log
// in), any other error when the network or server failed (entries stay; try again later).
export async function syncOwn(
  db,
  owner,
  { csrfUrl = "/api/v1/csrf", evidenceUrl = "/api/v1/evidence", onSettled = () => {}, onPhoto = () => {} } = {},
) {
  const who = await session(csrfUrl);
  if (who.user !== owner) throw new Pause(SYNC_TEXT.otherUser(who.user || "?"), { login: true });
  const ctx = { db, owner, token: who.token, device: await deviceId(db), onSettled, onPhoto, evidenceUrl, reported: new Map() };
  // First say what waits here: if the sending fails half-way, the lead is still warned.
  await reportDevices(ctx);
  const sent = new Set();
  for (;;) {
    const ops = (await takeBatch(db, owner, MAX_BATCH, SYNC_TEXT.invalid)).filter((op) => !sent.has(op.op_id));
    if (!ops.length) break; // nothing left, or only entries this run already sent
    ops.forEach((op) => sent.add(op.op_id));
    const groups = new Map();
    for (const op of ops) {
      if (!groups.has(op.inspectionId)) groups.set(op.inspectionId, []);
      groups.get(op.inspectionId).push(op);
    }
    for (const [inspectionId, group] of groups) await sendGroup(ctx, inspectionId, group);
  }
  await sendPhotos(ctx);
  await reportDevices(ctx);
}
