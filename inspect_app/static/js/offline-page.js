// "Dữ liệu ngoại tuyến": what this browser keeps for offline work, read from its own
// storage: downloaded inspections (and whether they still open offline), the user's
// unsent or refused changes and photos, and how many changes of other users wait on this
// device.
import { confirmDialog } from "./confirm.js";
import { Pause, syncOwn, withSyncLock } from "./offline-sync.js";
import {
  LEGACY_OWNER,
  claimLegacy,
  discardEntry,
  discardPhoto,
  downloadsOf,
  entriesOf,
  forgetDownload,
  openStore,
  otherOwners,
  photosOf,
  rememberDownload,
  retryEntry,
  retryPhoto,
} from "./offline-store.js";

const root = document.getElementById("offline-data");
const owner = root.dataset.user;
const LABELS = JSON.parse(root.dataset.resultLabels || "{}");
const lang = document.documentElement.lang === "en" ? "en" : "vi";
const statusEl = document.getElementById("offline-status");
const cacheName = document.body.dataset.offlineCache;

const TEXT = {
  vi: {
    summary: (downloads, pending, refused) => `${downloads} cuộc kiểm tra trên máy; ${pending} thay đổi đang chờ gửi; ${refused} thay đổi không được nhận.`,
    unavailable: "Trình duyệt này không lưu được dữ liệu ngoại tuyến (bộ nhớ bị chặn, đầy hoặc đang ở chế độ ẩn danh).",
    inspection: (id) => `Cuộc kiểm tra #${id}`,
    yes: "Có",
    no: "Không (cần mở lại khi có mạng)",
    refresh: "Tải lại",
    remove: "Xóa khỏi máy",
    removeBlocked: "Còn thay đổi chờ gửi; hãy đồng bộ trước khi xóa.",
    pending: "Đang chờ gửi",
    inDoubt: "Đã gửi, đang chờ máy chủ xác nhận",
    rejected: (reason) => `Không được nhận: ${reason}`,
    retry: "Gửi lại",
    discard: "Bỏ",
    discardConfirm: "Bỏ hẳn thay đổi này? Nó sẽ bị xóa khỏi máy này.",
    claim: "Đây là thay đổi của tôi",
    claimConfirm: (n) => `Nhận ${n} thay đổi này là của bạn? Chúng sẽ được gửi dưới tên bạn. Chỉ nhận nếu chính bạn đã nhập chúng.`,
    legacy: (n) => `${n} thay đổi từ phiên bản trước của ứng dụng, chưa rõ ai nhập`,
    other: (name, n) => `${name}: ${n} thay đổi`,
    empty: "(không chọn)",
    syncing: "Đang đồng bộ…",
    failed: "Chưa gửi được (mất mạng hoặc máy chủ không trả lời); sẽ thử lại.",
    refreshed: "Đã tải lại cuộc kiểm tra về máy.",
    refreshFailed: "Không tải lại được (cần có mạng).",
    photo: (name) => `Ảnh/tệp: ${name}`,
    photoPending: "Đang chờ tải lên",
    saveCopy: "Lưu bản sao",
    discardPhotoConfirm: "Bỏ hẳn tệp này? Nó sẽ bị xóa khỏi máy này và không được tải lên.",
  },
  en: {
    summary: (downloads, pending, refused) => `${downloads} inspections on this device; ${pending} changes waiting; ${refused} changes not accepted.`,
    unavailable: "This browser cannot keep offline data (storage blocked, full, or private mode).",
    inspection: (id) => `Inspection #${id}`,
    yes: "Yes",
    no: "No (open it again while online)",
    refresh: "Download again",
    remove: "Remove from this device",
    removeBlocked: "Changes are still waiting; sync before removing.",
    pending: "Waiting to be sent",
    inDoubt: "Sent, waiting for the server to confirm",
    rejected: (reason) => `Not accepted: ${reason}`,
    retry: "Send again",
    discard: "Discard",
    discardConfirm: "Discard this change for good? It is deleted from this device.",
    claim: "These are my changes",
    claimConfirm: (n) => `Claim these ${n} changes as yours? They will be sent under your name. Only claim them if you entered them.`,
    legacy: (n) => `${n} changes from an earlier version of the app, user unknown`,
    other: (name, n) => `${name}: ${n} changes`,
    empty: "(none)",
    syncing: "Syncing…",
    failed: "Not sent yet (no network or the server did not answer); will retry.",
    refreshed: "The inspection was downloaded again.",
    refreshFailed: "Could not download (needs a network).",
    photo: (name) => `Photo/file: ${name}`,
    photoPending: "Waiting to be uploaded",
    saveCopy: "Save a copy",
    discardPhotoConfirm: "Discard this file for good? It is deleted from this device and not uploaded.",
  },
}[lang];

let db;

function cell(row, content) {
  const td = document.createElement("td");
  if (content instanceof Node) td.append(content);
  else td.textContent = content;
  row.append(td);
  return td;
}

function button(label, style, action) {
  const element = document.createElement("button");
  element.type = "button";
  element.className = `btn btn-sm ${style} me-1 mb-1`;
  element.textContent = label;
  element.addEventListener("click", action);
  return element;
}

function link(href, text) {
  const a = document.createElement("a");
  a.href = href;
  a.textContent = text;
  return a;
}

function describe(op) {
  const label = op.result ? LABELS[op.result] || op.result : TEXT.empty;
  return op.note ? `${label} — «${op.note}»` : label;
}

// dd/mm/yyyy HH:MM, the way every date of the app reads (the device's own time zone).
function when(timestamp) {
  if (!timestamp) return "—";
  const d = new Date(timestamp);
  const two = (n) => String(n).padStart(2, "0");
  return `${two(d.getDate())}/${two(d.getMonth() + 1)}/${d.getFullYear()} ${two(d.getHours())}:${two(d.getMinutes())}`;
}

function showAlert(message, login) {
  document.getElementById("offline-alert-text").textContent = message;
  document.getElementById("offline-login").hidden = !login;
  document.getElementById("offline-alert").hidden = false;
}

async function available(record) {
  if (!("caches" in window)) return false;
  const checks = await Promise.all((record.urls || []).map((url) => caches.match(url)));
  return checks.length > 0 && checks.every(Boolean);
}

async function render() {
  const [downloads, answers, photos, others] = await Promise.all([
    downloadsOf(db, owner),
    entriesOf(db, owner),
    photosOf(db, owner),
    otherOwners(db, owner),
  ]);
  // answers and photos share one local sequence: shown in the order they were made
  const entries = [...answers, ...photos].sort((a, b) => a.seq - b.seq);
  const titles = new Map(downloads.map((record) => [record.inspectionId, record]));
  const pendingItems = new Map();
  for (const op of entries) {
    if (op.state !== "pending") continue;
    if (!pendingItems.has(op.inspectionId)) pendingItems.set(op.inspectionId, new Set());
    pendingItems.get(op.inspectionId).add(op.item);
  }
  const pendingBy = new Map([...pendingItems].map(([id, codes]) => [id, codes.size]));

  const downloadsBody = document.querySelector("#downloads-table tbody");
  downloadsBody.replaceChildren();
  for (const record of downloads.sort((a, b) => (b.downloadedAt || b.openedAt || 0) - (a.downloadedAt || a.openedAt || 0))) {
    const row = document.createElement("tr");
    cell(row, link(`/inspections/${record.inspectionId}`, record.title || TEXT.inspection(record.inspectionId)));
    cell(row, when(Math.max(record.downloadedAt || 0, record.openedAt || 0)));
    cell(row, (await available(record)) ? TEXT.yes : TEXT.no);
    cell(row, String(pendingBy.get(record.inspectionId) || 0));
    const actions = cell(row, "");
    actions.append(button(TEXT.refresh, "btn-outline-primary", () => redownload(record)));
    actions.append(button(TEXT.remove, "btn-outline-danger", () => removeDownload(record, pendingBy.get(record.inspectionId))));
    downloadsBody.append(row);
  }
  document.getElementById("downloads-table").hidden = !downloads.length;
  document.getElementById("downloads-empty").hidden = downloads.length > 0;

  const entriesBody = document.querySelector("#entries-table tbody");
  entriesBody.replaceChildren();
  for (const op of entries) {
    const row = document.createElement("tr");
    if (op.state !== "pending") row.className = "table-danger";
    const title = titles.get(op.inspectionId);
    cell(row, link(`/inspections/${op.inspectionId}/checklist`, title ? title.title : TEXT.inspection(op.inspectionId)));
    cell(row, op.item);
    cell(row, op.upload_id ? TEXT.photo(op.name) : describe(op));
    cell(row, when(op.createdAt));
    const waiting = op.upload_id ? TEXT.photoPending : TEXT.pending;
    cell(row, op.state !== "pending" ? TEXT.rejected(op.error || "") : op.attempted ? TEXT.inDoubt : waiting);
    const actions = cell(row, "");
    if (op.state !== "pending") {
      actions.append(button(TEXT.retry, "btn-outline-primary", () => retry(op)));
      actions.append(button(TEXT.discard, "btn-outline-danger", () => discard(op)));
    }
    if (op.upload_id) actions.append(saveCopy(op));
    entriesBody.append(row);
  }
  document.getElementById("entries-table").hidden = !entries.length;
  document.getElementById("entries-empty").hidden = entries.length > 0;

  const list = document.getElementById("others-list");
  list.replaceChildren();
  for (const [name, count] of others) {
    const item = document.createElement("li");
    item.textContent = name === LEGACY_OWNER ? TEXT.legacy(count) : TEXT.other(name, count);
    if (name === LEGACY_OWNER) {
      item.append(" ");
      item.append(button(TEXT.claim, "btn-outline-secondary", () => claim(count)));
    }
    list.append(item);
  }
  document.getElementById("others-section").hidden = others.size === 0;

  const pending = [...pendingBy.values()].reduce((a, b) => a + b, 0);
  statusEl.textContent = TEXT.summary(downloads.length, pending, entries.filter((op) => op.state !== "pending").length);
  statusEl.dataset.pending = String(pending);
}

async function redownload(record) {
  try {
    const cache = await caches.open(cacheName);
    await cache.addAll(record.urls);
    await rememberDownload(db, { ...record, downloadedAt: Date.now() });
    showAlert(TEXT.refreshed, false);
  } catch (error) {
    console.warn(error);
    showAlert(TEXT.refreshFailed, false);
  }
  await render();
}

async function removeDownload(record, pending) {
  if (pending) {
    showAlert(TEXT.removeBlocked, false);
    return;
  }
  if ("caches" in window) {
    const cache = await caches.open(cacheName);
    await Promise.all((record.urls || []).map((url) => cache.delete(url)));
  }
  await forgetDownload(db, owner, record.inspectionId);
  await render();
}

// A photo's own bytes, saved as a file: a copy to keep should the device fail.
function saveCopy(photo) {
  const anchor = document.createElement("a");
  anchor.className = "btn btn-sm btn-outline-secondary me-1 mb-1";
  anchor.textContent = TEXT.saveCopy;
  anchor.download = photo.name;
  anchor.href = "#";
  anchor.addEventListener("click", () => {
    anchor.href = URL.createObjectURL(photo.blob);
    setTimeout(() => URL.revokeObjectURL(anchor.href), 1000);
  });
  return anchor;
}

async function retry(op) {
  if (op.upload_id) await retryPhoto(db, owner, op.upload_id);
  else await retryEntry(db, owner, op.op_id);
  await render();
  sync();
}

async function discard(op) {
  if (!(await confirmDialog(op.upload_id ? TEXT.discardPhotoConfirm : TEXT.discardConfirm, TEXT.discard))) return;
  if (op.upload_id) await discardPhoto(db, owner, op.upload_id);
  else await discardEntry(db, owner, op.op_id);
  await render();
  sync();
}

async function claim(count) {
  if (!(await confirmDialog(TEXT.claimConfirm(count), TEXT.claim))) return;
  await claimLegacy(db, owner);
  await render();
  sync();
}

async function exportEntries() {
  const entries = await entriesOf(db, owner);
  const blob = new Blob([JSON.stringify({ exported_at: new Date().toISOString(), user: owner, ops: entries }, null, 2)], {
    type: "application/json",
  });
  const anchor = document.createElement("a");
  anchor.href = URL.createObjectURL(blob);
  anchor.download = `inspect-app-chua-gui-${new Date().toISOString().slice(0, 16).replace(/[-:T]/g, "")}.json`;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
}

async function sync() {
  if (!navigator.onLine) return;
  statusEl.textContent = TEXT.syncing;
  await withSyncLock(async () => {
    try {
      await syncOwn(db, owner, { csrfUrl: root.dataset.csrfUrl });
    } catch (error) {
      if (error instanceof Pause) showAlert(error.message, error.login);
      else showAlert(TEXT.failed, false);
    }
  });
  await render();
}

async function start() {
  try {
    db = await openStore();
  } catch (error) {
    statusEl.textContent = TEXT.unavailable;
    return;
  }
  document.getElementById("offline-sync").addEventListener("click", sync);
  document.getElementById("offline-export").addEventListener("click", exportEntries);
  await render();
  await sync();
}

start();
