// The checklist page, offline-first (docs/CONTRACTS.md, "Offline-first checklist" and 5.7).
//
// Every change goes to IndexedDB first (one outbox entry of this user, one transaction);
// offline-sync.js sends the outbox. Nothing is shown as kept that was not written, nothing
// the server refused is dropped: it stays on the device with its value and the reason.
import { confirmDialog } from "./confirm.js";
import { Pause, syncOwn, withSyncLock } from "./offline-sync.js";
import {
  LEGACY_OWNER,
  checkStorage,
  discardEntry,
  discardPhoto,
  entriesOf,
  keepPhoto,
  openStore,
  otherOwners,
  photosOf,
  recordChange,
  rememberDownload,
  rememberServer,
  retryEntry,
  retryPhoto,
  snapshotsFor,
  summary,
} from "./offline-store.js";

const root = document.getElementById("checklist");
const inspectionId = Number(root.dataset.inspectionId);
const canEdit = root.dataset.canEdit === "true";
const owner = root.dataset.user;
const statusEl = document.getElementById("sync-status");
const alertEl = document.getElementById("sync-alert");
const alertText = document.getElementById("sync-alert-text");
const loginLink = document.getElementById("sync-login");
const SYNC_INTERVAL_MS = 20000;
const NOTE_DELAY_MS = 300;
const channel = "BroadcastChannel" in window ? new BroadcastChannel("inspect-app") : null;
const lang = document.documentElement.lang === "en" ? "en" : "vi";
const LABELS = JSON.parse(root.dataset.resultLabels || "{}");
const MAX_UPLOAD = Number(root.dataset.maxUpload || 0);
const ACCEPTED = (root.dataset.accept || "").split(",").filter(Boolean);

const TEXT = {
  vi: {
    synced: "Đã đồng bộ tất cả thay đổi.",
    sent: "Đã gửi tất cả thay đổi lên máy chủ.",
    pending: (n) => `${n} thay đổi đang chờ gửi.`,
    syncing: (n) => `Đang đồng bộ… ${n} thay đổi đang chờ gửi.`,
    offline: (n) => `Đang ngoại tuyến: ${n} thay đổi đang chờ gửi, được lưu trên máy này.`,
    paused: (n) => `Tạm dừng đồng bộ: cần đăng nhập lại. ${n} thay đổi đang chờ gửi, không bị mất.`,
    refused: (n) => `${n} thay đổi không được máy chủ nhận, vẫn giữ trên máy này (xem các mục đánh dấu đỏ).`,
    waitingLead: (n) => `${n} mục đang chờ trưởng đoàn xử lý xung đột.`,
    lateWaiting: (n) => `${n} kết quả gửi sau khi đã khóa đang chờ trưởng đoàn xem xét.`,
    unsaved: (n) => `${n} thay đổi CHƯA LƯU được vào bộ nhớ trình duyệt.`,
    others: (n, names) => `Trên máy này còn ${n} thay đổi của người dùng khác (${names}); chỉ người đó đăng nhập mới gửi được.`,
    unknownOwner: "chưa rõ người nhập",
    readOnly: (why) => `Trình duyệt này không lưu được dữ liệu (${why}), nên phiếu chỉ để xem: kết quả nhập sẽ không được giữ khi mất mạng hay tải lại trang. Hãy giải phóng bộ nhớ hoặc tắt chế độ ẩn danh rồi tải lại trang.`,
    storageFailed: "Không lưu được vào bộ nhớ của trình duyệt (có thể đã đầy). Thay đổi đánh dấu đỏ CHƯA được ghi lại; đừng tải lại trang.",
    notSaved: "Chưa lưu được trên máy này",
    conflict: (server) => `Khác với giá trị trên máy chủ${server}; đang chờ trưởng đoàn xử lý. Giá trị hiển thị là của bạn.`,
    late: "Gửi sau khi cuộc kiểm tra đã khóa; trưởng đoàn đã nhận được và sẽ xem xét.",
    serverValue: (value, who) => ` (${value}${who ? `, ${who}` : ""})`,
    unsynced: "Chưa gửi",
    refusedItem: (value, reason) => `Không được ghi: ${reason} Giá trị của bạn: ${value}.`,
    retry: "Gửi lại",
    discard: "Bỏ thay đổi này",
    discardConfirm: "Bỏ hẳn thay đổi này? Nó sẽ bị xóa khỏi máy này.",
    empty: "(không chọn)",
    unload: "Có thay đổi chưa lưu được vào bộ nhớ trình duyệt. Rời trang sẽ mất chúng.",
    photosPending: (n) => `${n} ảnh/tệp đang chờ tải lên, được lưu trên máy này.`,
    offlineOnly: "Đang ngoại tuyến.",
    photosRefused: (n) => `${n} ảnh/tệp không được máy chủ nhận, vẫn giữ trên máy này.`,
    photoWaiting: "chờ tải lên",
    photoRefused: (name, reason) => `Tệp “${name}” không tải lên được: ${reason}`,
    photoTooLarge: (name, mb) => `Tệp “${name}” quá lớn (tối đa ${mb} MB), chưa được giữ.`,
    photoType: (name) => `Tệp “${name}” không được nhận: chỉ nhận PDF, Word, Excel, OpenDocument và ảnh JPG, PNG.`,
    photoEmpty: (name) => `Tệp “${name}” rỗng, chưa được giữ.`,
    photoNotKept: (name) => `Không lưu được “${name}” trên máy này (bộ nhớ có thể đã đầy). Tệp CHƯA được giữ; hãy thử lại.`,
    photoName: "anh",
    discardPhoto: "Bỏ tệp này",
    discardPhotoConfirm: "Bỏ hẳn tệp này? Nó sẽ bị xóa khỏi máy này và không được tải lên.",
  },
  en: {
    synced: "All changes synced.",
    sent: "All changes sent to the server.",
    pending: (n) => `${n} changes waiting to be sent.`,
    syncing: (n) => `Syncing… ${n} changes waiting to be sent.`,
    offline: (n) => `Offline: ${n} changes waiting, kept on this device.`,
    paused: (n) => `Sync paused: please log in again. ${n} changes waiting, none lost.`,
    refused: (n) => `${n} changes were not accepted by the server; they are kept on this device (see the items marked red).`,
    waitingLead: (n) => `${n} items wait for the team lead to resolve a conflict.`,
    lateWaiting: (n) => `${n} answers sent after locking wait for the team lead.`,
    unsaved: (n) => `${n} changes could NOT be saved in the browser's storage.`,
    others: (n, names) => `This device also holds ${n} changes of other users (${names}); only they can send them.`,
    unknownOwner: "unknown user",
    readOnly: (why) => `This browser cannot keep data (${why}), so the checklist is read-only: answers would be lost offline or on reload. Free some space or leave private mode, then reload.`,
    storageFailed: "Could not save to the browser's storage (it may be full). Changes marked red were NOT recorded; do not reload the page.",
    notSaved: "Not saved on this device",
    conflict: (server) => `Differs from the server's value${server}; waiting for the team lead. The value shown is yours.`,
    late: "Sent after the inspection was locked; the team lead has it and will decide.",
    serverValue: (value, who) => ` (${value}${who ? `, ${who}` : ""})`,
    unsynced: "Not sent yet",
    refusedItem: (value, reason) => `Not saved: ${reason} Your value: ${value}.`,
    retry: "Send again",
    discard: "Discard this change",
    discardConfirm: "Discard this change for good? It is deleted from this device.",
    empty: "(none)",
    unload: "Some changes could not be saved in the browser's storage. Leaving loses them.",
    photosPending: (n) => `${n} photos or files waiting to be uploaded, kept on this device.`,
    offlineOnly: "Offline.",
    photosRefused: (n) => `${n} photos or files were not accepted by the server; they are kept on this device.`,
    photoWaiting: "waiting to upload",
    photoRefused: (name, reason) => `“${name}” could not be uploaded: ${reason}`,
    photoTooLarge: (name, mb) => `“${name}” is too large (at most ${mb} MB); it was not kept.`,
    photoType: (name) => `“${name}” is not accepted: only PDF, Word, Excel, OpenDocument and JPG or PNG images.`,
    photoEmpty: (name) => `“${name}” is empty; it was not kept.`,
    photoNotKept: (name) => `Could not keep “${name}” on this device (storage may be full). The file was NOT kept; try again.`,
    photoName: "photo",
    discardPhoto: "Discard this file",
    discardPhotoConfirm: "Discard this file for good? It is deleted from this device and not uploaded.",
  },
}[lang];

let db = null;
let readOnly = !canEdit;
let storageBroken = false;
let paused = false;
let syncing = false;
let snapshots = new Map();
let ownEntries = new Map();
let ownPhotos = new Map();
const unsaved = new Set();
const fieldsets = new Map(Array.from(root.querySelectorAll("fieldset.checklist-item"), (fs) => [fs.dataset.code, fs]));
const htmlValues = new Map(Array.from(fieldsets, ([code, fs]) => [code, { ...currentValue(fs), rev: Number(fs.dataset.rev || 0) }]));

function currentValue(fieldset) {
  const checked = fieldset.querySelector("input[type=radio]:checked");
  return { result: checked ? checked.value : null, note: fieldset.querySelector("textarea.note").value };
}

function describe(value) {
  const label = value.result ? LABELS[value.result] || value.result : TEXT.empty;
  return value.note ? `${label} — «${value.note}»` : label;
}

// ---- showing an item ----------------------------------------------------------------

function setInputs(fieldset, value) {
  fieldset.querySelectorAll("input[type=radio]").forEach((radio) => {
    radio.checked = radio.value === value.result;
  });
  const note = fieldset.querySelector("textarea.note");
  if (document.activeElement !== note) note.value = value.note || "";
  fieldset.dataset.result = value.result || "";
  fieldset.dataset.recorded = JSON.stringify({ result: value.result || null, note: value.note || "" });
}

function render(code) {
  const fieldset = fieldsets.get(code);
  if (!fieldset) return;
  const entries = ownEntries.get(code) || [];
  const pending = entries.filter((op) => op.state === "pending");
  const refused = entries.filter((op) => op.state !== "pending");
  const latest = pending[pending.length - 1];
  const snap = snapshots.get(code);
  const html = htmlValues.get(code);
  let stateText = "";
  let stateClass = "text-muted";
  if (unsaved.has(code)) {
    stateText = TEXT.notSaved;
    stateClass = "text-danger fw-semibold";
  } else if (latest) {
    setInputs(fieldset, latest);
    stateText = TEXT.unsynced;
    stateClass = "text-warning-emphasis";
  } else if (snap && snap.mine) {
    setInputs(fieldset, snap.mine);
    const server = snap.mine.server || snap;
    const who = snap.mine.server ? snap.mine.server.updated_by : snap.updatedBy;
    stateText = snap.mine.kind === "late" ? TEXT.late : TEXT.conflict(TEXT.serverValue(describe(server), who));
    stateClass = "text-danger";
  } else if (snap && snap.rev >= html.rev) {
    setInputs(fieldset, snap);
    fieldset.dataset.rev = String(snap.rev);
  } else if (!snap) {
    setInputs(fieldset, html);
  }
  fieldset.classList.toggle("is-dirty", Boolean(latest) || unsaved.has(code));
  fieldset.classList.toggle("has-conflict", Boolean(snap && snap.mine) || refused.length > 0 || unsaved.has(code));
  const state = fieldset.querySelector(".item-state");
  state.textContent = stateText;
  state.className = `item-state ${stateClass}`;
  const photos = ownPhotos.get(code) || [];
  renderRefused(fieldset, code, refused, photos.filter((photo) => photo.state !== "pending"));
  renderPhotos(fieldset, photos.filter((photo) => photo.state === "pending"));
  updateFindingLink(fieldset);
}

// Refused entries sit after the fieldset, so their buttons work on a locked checklist too.
function renderRefused(fieldset, code, refused, photos) {
  let box = fieldset.nextElementSibling;
  if (!box || !box.classList.contains("item-refused")) {
    if (!refused.length && !photos.length) return;
    box = document.createElement("div");
    box.className = "item-refused alert alert-danger py-1 px-2 small";
    fieldset.after(box);
  }
  box.replaceChildren();
  box.hidden = !refused.length && !photos.length;
  for (const photo of photos) {
    const line = document.createElement("div");
    line.className = "d-flex flex-wrap gap-2 align-items-center item-file is-refused";
    line.dataset.uploadId = photo.upload_id;
    const text = document.createElement("span");
    text.textContent = `${code}: ${TEXT.photoRefused(photo.name, photo.error || "")}`;
    line.append(text);
    if (canEdit && !storageBroken) line.append(button(TEXT.retry, "btn-outline-primary", () => retryUpload(photo)));
    if (!storageBroken) line.append(button(TEXT.discardPhoto, "btn-outline-danger", () => discardUpload(photo)));
    box.append(line);
  }
  for (const op of refused) {
    const line = document.createElement("div");
    line.className = "d-flex flex-wrap gap-2 align-items-center";
    const text = document.createElement("span");
    text.textContent = `${code}: ${TEXT.refusedItem(describe(op), op.error || "")}`;
    line.append(text);
    if (canEdit && !storageBroken) line.append(button(TEXT.retry, "btn-outline-primary", () => retry(op)));
    if (!storageBroken) line.append(button(TEXT.discard, "btn-outline-danger", () => discard(op)));
    box.append(line);
  }
}

// Photos waiting to be uploaded, after the item's files the server already holds.
function renderPhotos(fieldset, photos) {
  const list = fieldset.querySelector(".item-file-list");
  if (!list) return;
  list.querySelectorAll("li.is-waiting").forEach((line) => line.remove());
  for (const photo of photos) {
    const line = document.createElement("li");
    line.className = "item-file is-waiting";
    line.dataset.uploadId = photo.upload_id;
    line.textContent = `${photo.name} (${sizeText(photo.size)}) — ${TEXT.photoWaiting}`;
    list.append(line);
  }
}

// A file the server now holds, shown as the page shows the files it was rendered with.
function showUploaded(code, body) {
  const list = fieldsets.get(code)?.querySelector(".item-file-list");
  if (!list || !body || !body.id || list.querySelector(`li[data-file-id="${Number(body.id)}"]`)) return;
  const line = document.createElement("li");
  line.className = "item-file";
  line.dataset.fileId = String(body.id);
  const link = document.createElement("a");
  link.href = root.dataset.downloadUrl.replace(/\/0$/, `/${Number(body.id)}`);
  link.download = "";
  link.textContent = body.name;
  const size = document.createElement("span");
  size.className = "text-muted";
  size.textContent = `(${sizeText(body.size)})`;
  line.append(link, " ", size);
  const waiting = list.querySelector("li.is-waiting");
  list.insertBefore(line, waiting);
}

// As the server writes sizes (template filter `filesize`): "1,2 MB", one decimal.
const numbers = new Intl.NumberFormat(lang === "en" ? "en" : "vi-VN", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
function sizeText(bytes) {
  for (const [unit, scale] of [["GB", 1024 ** 3], ["MB", 1024 ** 2], ["KB", 1024]]) {
    if (bytes >= scale) return `${numbers.format(bytes / scale)} ${unit}`;
  }
  return `${bytes} B`;
}

function button(label, style, action) {
  const element = document.createElement("button");
  element.type = "button";
  element.className = `btn btn-sm ${style} py-0`;
  element.textContent = label;
  element.addEventListener("click", action);
  return element;
}

function updateFindingLink(fieldset) {
  const link = fieldset.querySelector("a.create-finding");
  const base = root.dataset.findingUrl;
  const result = fieldset.dataset.result;
  const visible = Boolean(base) && canEdit && (result === "nonconform" || result === "observation");
  link.hidden = !visible;
  if (visible) link.href = `${base}?item=${encodeURIComponent(fieldset.dataset.code)}`;
}

let answeredCount = 0;
function updateProgress() {
  const onlyUnanswered = document.getElementById("only-unanswered").checked;
  answeredCount = 0;
  fieldsets.forEach((fieldset) => {
    const answered = Boolean(fieldset.dataset.result);
    if (answered) answeredCount += 1;
    const hide = onlyUnanswered && answered && !fieldset.contains(document.activeElement);
    if (fieldset.hidden !== hide) fieldset.hidden = hide;
  });
  document.getElementById("answered-count").textContent = String(answeredCount);
}

// Read this user's entries and the server snapshots for this inspection, then show them.
async function refreshLocal(codes) {
  if (!db) return;
  const [snaps, entries, photos] = await Promise.all([
    snapshotsFor(db, owner, inspectionId),
    entriesOf(db, owner, inspectionId),
    photosOf(db, owner, inspectionId),
  ]);
  snapshots = snaps;
  ownEntries = groupByItem(entries);
  ownPhotos = groupByItem(photos);
  (codes || [...fieldsets.keys()]).forEach(render);
  updateProgress();
}

function groupByItem(rows) {
  const byItem = new Map();
  for (const row of rows) {
    if (!byItem.has(row.item)) byItem.set(row.item, []);
    byItem.get(row.item).push(row);
  }
  return byItem;
}

// ---- the status line ------------------------------------------------------------------

let statusTimer = null;
function updateStatus(state) {
  clearTimeout(statusTimer);
  statusTimer = setTimeout(() => writeStatus(state), state ? 0 : 60);
}

async function writeStatus(state) {
  if (storageBroken) return;
  const counts = db ? await summary(db, owner) : { pending: 0, refused: 0, others: 0, photos: 0, photosRefused: 0 };
  // This inspection's entries count once per item (an edit made while an earlier one was in
  // doubt is one change for the user); other inspections' entries as they are.
  let here = 0;
  let items = 0;
  ownEntries.forEach((entries) => {
    const waiting = entries.filter((op) => op.state === "pending").length;
    here += waiting;
    if (waiting) items += 1;
  });
  counts.pending = Math.max(0, counts.pending - here) + items;
  const mine = [...snapshots.values()].filter((snap) => snap.mine);
  const late = mine.filter((snap) => snap.mine.kind === "late").length;
  const waiting = mine.length - late;
  const parts = [];
  if (paused) parts.push(TEXT.paused(counts.pending));
  else if (!navigator.onLine) parts.push(counts.photos && !counts.pending ? TEXT.offlineOnly : TEXT.offline(counts.pending));
  else if (state === "syncing" || syncing) parts.push(TEXT.syncing(counts.pending));
  else if (counts.pending) parts.push(TEXT.pending(counts.pending));
  else if (!counts.refused && !mine.length && !unsaved.size && !counts.photos && !counts.photosRefused) parts.push(TEXT.synced);
  else parts.push(TEXT.sent);
  if (counts.photos) parts.push(TEXT.photosPending(counts.photos));
  if (counts.refused) parts.push(TEXT.refused(counts.refused));
  if (counts.photosRefused) parts.push(TEXT.photosRefused(counts.photosRefused));
  if (waiting) parts.push(TEXT.waitingLead(waiting));
  if (late) parts.push(TEXT.lateWaiting(late));
  if (unsaved.size) parts.push(TEXT.unsaved(unsaved.size));
  if (counts.others) {
    const names = [...(await otherOwners(db, owner)).keys()].map((name) => (name === LEGACY_OWNER ? TEXT.unknownOwner : name));
    parts.push(TEXT.others(counts.others, names.join(", ")));
  }
  statusEl.textContent = parts.join(" ");
  statusEl.dataset.pending = String(counts.pending);
  statusEl.dataset.refused = String(counts.refused);
  statusEl.dataset.photos = String(counts.photos);
  let label = "synced";
  if (counts.pending || counts.photos) label = "pending";
  else if (counts.refused || counts.photosRefused || mine.length || unsaved.size) label = "attention";
  if (paused) label = "paused";
  else if (!navigator.onLine) label = "offline";
  else if (syncing) label = "syncing";
  statusEl.dataset.state = label;
}

function showAlert(message, needsLogin) {
  alertText.textContent = message;
  loginLink.hidden = !needsLogin;
  alertEl.hidden = false;
}

function hideAlert() {
  alertEl.hidden = true;
}

function announce() {
  if (channel) channel.postMessage({ type: "changed", inspectionId, owner });
}

// ---- recording changes ------------------------------------------------------------------

async function record(fieldset) {
  const code = fieldset.dataset.code;
  const value = currentValue(fieldset);
  const last = fieldset.dataset.recorded ? JSON.parse(fieldset.dataset.recorded) : null;
  if (!unsaved.has(code) && last && last.result === value.result && last.note === value.note) return;
  fieldset.dataset.result = value.result || "";
  performance.mark("inspect:record:start");
  let kept;
  try {
    kept = await recordChange(db, {
      owner,
      inspectionId,
      code,
      result: value.result,
      note: value.note,
      knownRev: Number(fieldset.dataset.rev || 0),
    });
  } catch (error) {
    console.error("could not keep the change", error);
    unsaved.add(code);
    render(code);
    showAlert(TEXT.storageFailed, false);
    updateStatus();
    return;
  }
  performance.measure("inspect:record", "inspect:record:start");
  unsaved.delete(code);
  if (!unsaved.size && alertText.textContent === TEXT.storageFailed) hideAlert();
  fieldset.dataset.recorded = JSON.stringify(value);
  const replaced = new Set(kept.replaced);
  const entries = (ownEntries.get(code) || []).filter((other) => !replaced.has(other.op_id));
  entries.push(kept.op);
  ownEntries.set(code, entries);
  render(code);
  if (fieldset.dataset.result !== (last ? last.result || "" : "")) updateProgress();
  announce();
  updateStatus();
  scheduleSync(800);
}

// Notes are kept a moment after typing stops, and at once when the page is hidden or left.
const noteTimers = new Map();
function flushNote(fieldset) {
  clearTimeout(noteTimers.get(fieldset));
  noteTimers.delete(fieldset);
  return record(fieldset);
}

function flushNotes() {
  [...noteTimers.keys()].forEach(flushNote);
}

function bindInputs() {
  fieldsets.forEach((fieldset) => {
    fieldset.dataset.recorded = JSON.stringify(currentValue(fieldset));
    if (readOnly) return;
    fieldset.querySelectorAll("input[type=radio]").forEach((radio) => {
      radio.addEventListener("change", () => record(fieldset));
    });
    fieldset.querySelector(".clear-result").addEventListener("click", () => {
      fieldset.querySelectorAll("input[type=radio]").forEach((radio) => {
        radio.checked = false;
      });
      record(fieldset);
    });
    const note = fieldset.querySelector("textarea.note");
    note.addEventListener("input", () => {
      clearTimeout(noteTimers.get(fieldset));
      noteTimers.set(fieldset, setTimeout(() => flushNote(fieldset), NOTE_DELAY_MS));
    });
    note.addEventListener("change", () => flushNote(fieldset));
    fieldset.querySelector("input.item-photo")?.addEventListener("change", (event) => keepFile(fieldset, event.target, true));
    fieldset.querySelector("input.item-attach")?.addEventListener("change", (event) => keepFile(fieldset, event.target, false));
  });
  document.getElementById("only-unanswered").addEventListener("change", updateProgress);
}

function setReadOnly(reason) {
  readOnly = true;
  fieldsets.forEach((fieldset) => {
    fieldset.disabled = true;
  });
  if (reason) {
    storageBroken = true;
    statusEl.textContent = TEXT.readOnly(reason);
    statusEl.dataset.state = "read-only";
    showAlert(TEXT.readOnly(reason), false);
  }
}

// ---- photos and files of an item ----------------------------------------------------------

// A photo from the camera is named after its item and the time it was taken, so that the
// team tells them apart (phones name every photo "image.jpg").
function photoName(file, code) {
  const ext = (file.name.match(/\.[A-Za-z0-9]{1,5}$/) || [file.type === "image/png" ? ".png" : ".jpg"])[0].toLowerCase();
  const now = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  const stamp = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`;
  return `${TEXT.photoName}-${code}-${stamp}${ext}`;
}

function itemMessage(fieldset, text) {
  let box = fieldset.querySelector(".item-file-error");
  if (!box) {
    box = document.createElement("div");
    box.className = "item-file-error text-danger fw-semibold";
    box.setAttribute("role", "alert");
    fieldset.querySelector(".item-files").append(box);
  }
  box.textContent = text;
  box.hidden = !text;
}

// The chosen file is checked as the server would check its size and kind, kept on this
// device (IndexedDB), then uploaded by the sync; nothing is shown as kept that was not.
async function keepFile(fieldset, input, fromCamera) {
  const file = input.files && input.files[0];
  input.value = "";
  if (!file) return;
  const code = fieldset.dataset.code;
  const name = fromCamera ? photoName(file, code) : file.name;
  itemMessage(fieldset, "");
  if (!file.size) return itemMessage(fieldset, TEXT.photoEmpty(name));
  if (MAX_UPLOAD && file.size > MAX_UPLOAD) return itemMessage(fieldset, TEXT.photoTooLarge(name, Math.round(MAX_UPLOAD / (1024 * 1024))));
  if (ACCEPTED.length && !ACCEPTED.some((ext) => name.toLowerCase().endsWith(ext))) return itemMessage(fieldset, TEXT.photoType(name));
  try {
    await checkStorage(db);
    await keepPhoto(db, { owner, inspectionId, code, file, name });
  } catch (error) {
    console.error("could not keep the file", error);
    return itemMessage(fieldset, TEXT.photoNotKept(name));
  }
  await refreshLocal([code]);
  announce();
  updateStatus();
  scheduleSync(300);
}

async function retryUpload(photo) {
  await retryPhoto(db, owner, photo.upload_id);
  await refreshLocal([photo.item]);
  announce();
  updateStatus();
  scheduleSync(100);
}

async function discardUpload(photo) {
  if (!(await confirmDialog(TEXT.discardPhotoConfirm, TEXT.discardPhoto))) return;
  await discardPhoto(db, owner, photo.upload_id);
  await refreshLocal([photo.item]);
  announce();
  updateStatus();
}

async function retry(op) {
  await retryEntry(db, owner, op.op_id);
  await refreshLocal([op.item]);
  announce();
  updateStatus();
  scheduleSync(100);
}

async function discard(op) {
  if (!(await confirmDialog(TEXT.discardConfirm, TEXT.discard))) return;
  await discardEntry(db, owner, op.op_id);
  await refreshLocal([op.item]);
  announce();
  updateStatus();
  scheduleSync(100);
}

// ---- sync ---------------------------------------------------------------------------------

let syncTimer = null;
function scheduleSync(delay) {
  clearTimeout(syncTimer);
  syncTimer = setTimeout(() => syncNow(), delay);
}

async function refreshFromServer() {
  const response = await fetch(root.dataset.detailUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!response.ok || !(response.headers.get("Content-Type") || "").includes("json")) return;
  const body = await response.json();
  const items = body.items.map((item) => ({
    code: item.code,
    result: item.answer ? item.answer.result : null,
    note: item.answer ? item.answer.note : "",
    rev: item.answer ? item.answer.rev : 0,
    updatedBy: item.answer ? item.answer.updated_by : null,
  }));
  const mine = (body.conflicts || []).filter((conflict) => conflict.submitted_by === owner);
  await rememberServer(db, owner, inspectionId, items, mine);
}

// Changes the browser could not keep (storage full) are tried again before each sync.
async function retryUnsaved() {
  for (const code of [...unsaved]) await record(fieldsets.get(code));
}

async function syncNow(manual = false) {
  if (!db || storageBroken) return;
  await retryUnsaved();
  if (manual) {
    paused = false;
    hideAlert();
  }
  if (paused || !navigator.onLine) {
    updateStatus();
    return;
  }
  await withSyncLock(async () => {
    syncing = true;
    updateStatus("syncing");
    try {
      await syncOwn(db, owner, {
        csrfUrl: root.dataset.csrfUrl,
        evidenceUrl: root.dataset.evidenceUrl,
        onPhoto: (photo, body) => {
          if (photo.inspectionId !== inspectionId) return;
          showUploaded(photo.item, body);
          refreshLocal([photo.item]);
          announce();
        },
        onSettled: (ops) => {
          const codes = new Set(ops.filter((op) => op.inspectionId === inspectionId).map((op) => op.item));
          if (codes.size) refreshLocal([...codes]);
          announce();
        },
      });
      if (!unsaved.size) hideAlert();
      await refreshFromServer();
      await refreshLocal();
    } catch (error) {
      if (error instanceof Pause) {
        paused = true;
        showAlert(error.message, error.login);
      } else {
        console.warn("sync will retry", error);
      }
    } finally {
      syncing = false;
    }
  });
  updateStatus();
}

// ---- downloads, other tabs, start-up ------------------------------------------------------

async function exportPending() {
  const entries = await entriesOf(db, owner);
  const blob = new Blob([JSON.stringify({ exported_at: new Date().toISOString(), user: owner, ops: entries }, null, 2)], {
    type: "application/json",
  });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  const stamp = new Date().toISOString().slice(0, 16).replace(/[-:T]/g, "");
  link.download = `inspect-app-chua-gui-${stamp}.json`;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}

async function cacheForOffline() {
  // Opening an inspection keeps its pages and data for offline use.
  const name = document.body.dataset.offlineCache;
  if (!name || !("caches" in window) || !navigator.onLine) return;
  try {
    const cache = await caches.open(name);
    const urls = [location.pathname, root.dataset.detailUrl, root.dataset.inspectionUrl];
    await cache.addAll(urls);
    await rememberDownload(db, { owner, inspectionId, title: root.dataset.title, urls, openedAt: Date.now() });
  } catch (error) {
    console.warn("could not cache the inspection for offline use", error);
  }
}

async function start() {
  try {
    db = await openStore();
    await checkStorage(db);
  } catch (error) {
    console.error("offline storage unavailable", error);
    db = null;
    setReadOnly(error && error.name === "QuotaExceededError" ? (lang === "en" ? "storage is full" : "bộ nhớ đã đầy") : lang === "en" ? "storage is blocked" : "bộ nhớ bị chặn hoặc hỏng");
    updateProgress();
    return;
  }
  await refreshLocal();
  if (readOnly) setReadOnly(null);
  bindInputs();
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
  // a reader's checklist (viewer, agency) has no sync buttons.
  document.getElementById("sync-now")?.addEventListener("click", () => syncNow(true));
  document.getElementById("export-pending")?.addEventListener("click", exportPending);
  growNotes();
  window.addEventListener("online", () => syncNow());
  window.addEventListener("offline", () => updateStatus());
  window.addEventListener("beforeunload", (event) => {
    if (unsaved.size) {
      event.preventDefault();
      event.returnValue = TEXT.unload;
    }
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") syncNow();
    else flushNotes();
  });
  window.addEventListener("pagehide", flushNotes);
  setInterval(() => syncNow(), SYNC_INTERVAL_MS);
  if (channel) {
    channel.addEventListener("message", async (event) => {
      if (event.data && event.data.inspectionId === inspectionId && event.data.owner === owner) await refreshLocal();
      updateStatus();
    });
  }
  updateStatus();
  cacheForOffline();
  await syncNow();
}

start().catch((error) => {
  console.error(error);
  showAlert(TEXT.storageFailed, false);
});

// Notes grow with their text, so a long note is read whole on a phone.
function fitNote(note) {
  note.style.height = "auto";
  note.style.height = `${note.scrollHeight + 2}px`;
}

function growNotes() {
  document.querySelectorAll("#checklist textarea.note").forEach((note) => {
    fitNote(note);
    note.addEventListener("input", () => fitNote(note));
  });
}
