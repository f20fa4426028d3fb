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
  entriesOf,
  openStore,
  otherOwners,
  recordChange,
  rememberDownload,
  rememberServer,
  retryEntry,
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
  },
}[lang];

let db = null;
let readOnly = !canEdit;
let storageBroken = false;
let paused = false;
let syncing = false;
let snapshots = new Map();
let ownEntries = new Map();
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
  renderRefused(fieldset, code, refused);
  updateFindingLink(fieldset);
}

// Refused entries sit after the fieldset, so their buttons work on a locked checklist too.
function renderRefused(fieldset, code, refused) {
  let box = fieldset.nextElementSibling;
  if (!box || !box.classList.contains("item-refused")) {
    if (!refused.length) return;
    box = document.createElement("div");
    box.className = "item-refused alert alert-danger py-1 px-2 small";
    fieldset.after(box);
  }
  box.replaceChildren();
  box.hidden = !refused.length;
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
  const [snaps, entries] = await Promise.all([snapshotsFor(db, owner, inspectionId), entriesOf(db, owner, inspectionId)]);
  snapshots = snaps;
  ownEntries = new Map();
  for (const op of entries) {
    if (!ownEntries.has(op.item)) ownEntries.set(op.item, []);
    ownEntries.get(op.item).push(op);
  }
  (codes || [...fieldsets.keys()]).forEach(render);
  updateProgress();
}

// ---- the status line ------------------------------------------------------------------

let statusTimer = null;
function updateStatus(state) {
  clearTimeout(statusTimer);
  statusTimer = setTimeout(() => writeStatus(state), state ? 0 : 60);
}

async function writeStatus(state) {
  if (storageBroken) return;
  const counts = db ? await summary(db, owner) : { pending: 0, refused: 0, others: 0 };
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
  else if (!navigator.onLine) parts.push(TEXT.offline(counts.pending));
  else if (state === "syncing" || syncing) parts.push(TEXT.syncing(counts.pending));
  else if (counts.pending) parts.push(TEXT.pending(counts.pending));
  else if (!counts.refused && !mine.length && !unsaved.size) parts.push(TEXT.synced);
  else parts.push(TEXT.sent);
  if (counts.refused) parts.push(TEXT.refused(counts.refused));
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
  let label = counts.pending ? "pending" : counts.refused || mine.length || unsaved.size ? "attention" : "synced";
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
