// The checklist page, offline-first (DESIGN §6, contract 5.7).
//
// Every change goes to IndexedDB first (answer + outbox entry, one transaction); a
// single-flight sync (Web Locks across tabs) sends the outbox and removes an entry only
// when a 200 response names its op_id. Auth or CSRF failures pause the sync; nothing is
// ever dropped.
import {
  allPending,
  answersFor,
  openStore,
  pendingCount,
  recordChange,
  release,
  rememberServerAnswers,
  settle,
  takeBatch,
} from "./offline-store.js";

const root = document.getElementById("checklist");
const inspectionId = Number(root.dataset.inspectionId);
const canEdit = root.dataset.canEdit === "true";
const statusEl = document.getElementById("sync-status");
const alertEl = document.getElementById("sync-alert");
const alertText = document.getElementById("sync-alert-text");
const loginLink = document.getElementById("sync-login");
const SYNC_INTERVAL_MS = 20000;
const NOTE_DELAY_MS = 700;
const MAX_BATCH = 200;
const channel = "BroadcastChannel" in window ? new BroadcastChannel("inspect-app") : null;
const lang = document.documentElement.lang === "en" ? "en" : "vi";

const TEXT = {
  vi: {
    synced: "Đã đồng bộ tất cả thay đổi.",
    pending: (n) => `${n} thay đổi đang chờ gửi.`,
    syncing: (n) => `Đang đồng bộ… ${n} thay đổi đang chờ gửi.`,
    offline: (n) => `Đang ngoại tuyến: ${n} thay đổi đang chờ gửi, được lưu trên máy này.`,
    paused: (n) => `Tạm dừng đồng bộ: cần đăng nhập lại. ${n} thay đổi đang chờ gửi, không bị mất.`,
    loginNeeded: "Phiên đăng nhập đã hết hạn hoặc không còn hiệu lực. Các thay đổi vẫn được giữ trên máy này; hãy đăng nhập lại rồi bấm “Đồng bộ ngay”.",
    forbidden: "Máy chủ từ chối ghi kết quả cho cuộc kiểm tra này. Các thay đổi vẫn được giữ trên máy này.",
    invalid: "Máy chủ không chấp nhận dữ liệu gửi lên. Các thay đổi vẫn được giữ; hãy tải về tệp JSON và báo cho quản trị.",
    storageFailed: "Không lưu được vào bộ nhớ của trình duyệt. Thay đổi này chưa được ghi lại.",
    conflict: "Khác với kết quả đã lưu trên máy chủ; trưởng đoàn sẽ xử lý xung đột.",
    rejected: "Không được ghi: ",
    unsynced: "Chưa gửi",
    answered: "Đã lưu",
  },
  en: {
    synced: "All changes synced.",
    pending: (n) => `${n} changes waiting to be sent.`,
    syncing: (n) => `Syncing… ${n} changes waiting to be sent.`,
    offline: (n) => `Offline: ${n} changes waiting, kept on this device.`,
    paused: (n) => `Sync paused: please log in again. ${n} changes waiting, none lost.`,
    loginNeeded: "Your session has expired. Changes are kept on this device; log in again, then press “Sync now”.",
    forbidden: "The server refused answers for this inspection. Changes are kept on this device.",
    invalid: "The server did not accept the data. Changes are kept; download the JSON file and tell an administrator.",
    storageFailed: "Could not save to the browser's storage. This change was not recorded.",
    conflict: "Differs from the value saved on the server; the team lead will resolve it.",
    rejected: "Not saved: ",
    unsynced: "Not sent yet",
    answered: "Saved",
  },
}[lang];

let db;
let paused = false;
let syncing = false;
const fieldsets = new Map(
  Array.from(root.querySelectorAll("fieldset.checklist-item"), (fs) => [fs.dataset.code, fs]),
);

function currentValue(fieldset) {
  const checked = fieldset.querySelector("input[type=radio]:checked");
  return {
    result: checked ? checked.value : null,
    note: fieldset.querySelector("textarea.note").value,
  };
}

function show(fieldset, answer) {
  fieldset.querySelectorAll("input[type=radio]").forEach((radio) => {
    radio.checked = radio.value === answer.result;
  });
  const note = fieldset.querySelector("textarea.note");
  if (document.activeElement !== note) note.value = answer.note || "";
  fieldset.dataset.result = answer.result || "";
  fieldset.dataset.rev = String(answer.rev ?? fieldset.dataset.rev);
  markState(fieldset, answer);
}

function markState(fieldset, answer) {
  const state = fieldset.querySelector(".item-state");
  fieldset.classList.toggle("is-dirty", Boolean(answer && answer.dirty));
  fieldset.classList.toggle("has-conflict", Boolean(answer && answer.conflict));
  if (answer && answer.error) {
    state.textContent = TEXT.rejected + answer.error;
    state.className = "item-state text-danger";
  } else if (answer && answer.conflict) {
    state.textContent = TEXT.conflict;
    state.className = "item-state text-danger";
  } else if (answer && answer.dirty) {
    state.textContent = TEXT.unsynced;
    state.className = "item-state text-warning-emphasis";
  } else {
    state.textContent = "";
    state.className = "item-state text-muted";
  }
  updateFindingLink(fieldset);
}

function updateFindingLink(fieldset) {
  const link = fieldset.querySelector("a.create-finding");
  const base = root.dataset.findingUrl;
  const result = fieldset.dataset.result;
  const show = Boolean(base) && canEdit && (result === "nonconform" || result === "observation");
  link.hidden = !show;
  if (show) link.href = `${base}?item=${encodeURIComponent(fieldset.dataset.code)}`;
}

function updateProgress() {
  let answered = 0;
  const onlyUnanswered = document.getElementById("only-unanswered").checked;
  fieldsets.forEach((fieldset) => {
    const done = Boolean(fieldset.dataset.result);
    if (done) answered += 1;
    fieldset.hidden = onlyUnanswered && done && !fieldset.contains(document.activeElement);
  });
  document.getElementById("answered-count").textContent = String(answered);
}

async function updateStatus(state) {
  const count = db ? await pendingCount(db) : 0;
  let text;
  if (paused) text = TEXT.paused(count);
  else if (!navigator.onLine) text = TEXT.offline(count);
  else if (state === "syncing") text = TEXT.syncing(count);
  else text = count ? TEXT.pending(count) : TEXT.synced;
  statusEl.textContent = text;
  statusEl.dataset.pending = String(count);
  statusEl.dataset.state = paused ? "paused" : !navigator.onLine ? "offline" : state || (count ? "pending" : "synced");
}

function showAlert(message, needsLogin) {
  alertText.textContent = message;
  loginLink.hidden = !needsLogin;
  alertEl.hidden = false;
}

function hideAlert() {
  alertEl.hidden = true;
}

// ---- recording changes -------------------------------------------------------------

async function record(fieldset) {
  const value = currentValue(fieldset);
  const last = fieldset.dataset.recorded ? JSON.parse(fieldset.dataset.recorded) : null;
  if (last && last.result === value.result && last.note === value.note) return;
  try {
    await recordChange(db, {
      inspectionId,
      code: fieldset.dataset.code,
      result: value.result,
      note: value.note,
      knownRev: Number(fieldset.dataset.rev || 0),
    });
  } catch (error) {
    console.error(error);
    showAlert(TEXT.storageFailed, false);
    return;
  }
  fieldset.dataset.recorded = JSON.stringify(value);
  fieldset.dataset.result = value.result || "";
  markState(fieldset, { dirty: true });
  updateProgress();
  if (channel) channel.postMessage({ type: "changed", inspectionId, code: fieldset.dataset.code });
  await updateStatus();
  scheduleSync(800);
}

function bindInputs() {
  fieldsets.forEach((fieldset) => {
    fieldset.dataset.recorded = JSON.stringify(currentValue(fieldset));
    if (!canEdit) return;
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
    let timer = null;
    note.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => record(fieldset), NOTE_DELAY_MS);
    });
    note.addEventListener("change", () => {
      clearTimeout(timer);
      record(fieldset);
    });
  });
  document.getElementById("only-unanswered").addEventListener("change", updateProgress);
}

// ---- showing what is stored locally -----------------------------------------------

async function applyLocalAnswers() {
  const local = await answersFor(db, inspectionId);
  fieldsets.forEach((fieldset, code) => {
    const stored = local.get(code);
    const htmlRev = Number(fieldset.dataset.rev || 0);
    if (stored && (stored.dirty || stored.rev > htmlRev || stored.conflict || stored.error)) {
      show(fieldset, stored);
      fieldset.dataset.recorded = JSON.stringify(currentValue(fieldset));
    }
  });
  updateProgress();
}

async function refreshFromServer() {
  const response = await fetch(root.dataset.detailUrl, {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  });
  if (!response.ok) return;
  const body = await response.json();
  const items = body.items.map((item) => ({
    code: item.code,
    result: item.answer ? item.answer.result : null,
    note: item.answer ? item.answer.note : "",
    rev: item.answer ? item.answer.rev : 0,
  }));
  await rememberServerAnswers(db, inspectionId, items);
  const local = await answersFor(db, inspectionId);
  fieldsets.forEach((fieldset, code) => {
    const stored = local.get(code);
    if (stored && !stored.dirty) {
      show(fieldset, stored);
      fieldset.dataset.recorded = JSON.stringify(currentValue(fieldset));
    }
  });
  updateProgress();
}

// ---- sync ---------------------------------------------------------------------------

let syncTimer = null;
function scheduleSync(delay) {
  clearTimeout(syncTimer);
  syncTimer = setTimeout(() => syncNow(), delay);
}

async function withSyncLock(task) {
  if (navigator.locks) {
    return navigator.locks.request("inspect-app-sync", { ifAvailable: true }, async (lock) => {
      if (lock) await task();
    });
  }
  if (syncing) return undefined;
  syncing = true;
  try {
    return await task();
  } finally {
    syncing = false;
  }
}

class Pause extends Error {}

async function freshCsrfToken() {
  const response = await fetch(root.dataset.csrfUrl, {
    credentials: "same-origin",
    headers: { Accept: "application/json" },
  });
  if (response.status === 401 || response.status === 403) throw new Pause(TEXT.loginNeeded);
  if (!response.ok) throw new Error(`csrf ${response.status}`);
  return (await response.json()).csrf_token;
}

async function sendBatch(id, ops) {
  const token = await freshCsrfToken();
  const response = await fetch(`/api/v1/inspections/${id}/answers`, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token },
    body: JSON.stringify({
      ops: ops.map(({ op_id, item, result, note, base_rev, client_ts }) => ({
        op_id,
        item,
        result,
        note,
        base_rev,
        client_ts,
      })),
    }),
  });
  if (response.status === 401) throw new Pause(TEXT.loginNeeded);
  if (response.status === 403 || response.status === 404) {
    const body = await response.json().catch(() => ({}));
    const csrf = /csrf/i.test(body.error || "");
    throw new Pause(csrf ? TEXT.loginNeeded : TEXT.forbidden);
  }
  if (response.status === 400 || response.status === 422) throw new Pause(TEXT.invalid);
  if (!response.ok) throw new Error(`sync ${response.status}`);
  const body = await response.json();
  const byId = new Map(ops.map((op) => [op.op_id, op]));
  for (const outcome of body.results || []) {
    const op = byId.get(outcome.op_id);
    if (!op) continue; // only an op_id named in a 200 response may leave the outbox
    const answer = await settle(db, op, outcome);
    if (op.inspectionId === inspectionId && fieldsets.has(op.item)) {
      const fieldset = fieldsets.get(op.item);
      if (outcome.status === "conflict" && !answer.dirty) show(fieldset, answer);
      else {
        fieldset.dataset.rev = String(answer.rev);
        markState(fieldset, answer);
      }
    }
  }
}

async function syncNow(manual = false) {
  if (!db) return;
  if (manual) {
    paused = false;
    hideAlert();
  }
  if (paused || !navigator.onLine) {
    await updateStatus();
    return;
  }
  await withSyncLock(async () => {
    await updateStatus("syncing");
    try {
      for (let round = 0; round < 100; round += 1) {
        const ops = await takeBatch(db, MAX_BATCH);
        if (!ops.length) break;
        const byInspection = new Map();
        for (const op of ops) {
          if (!byInspection.has(op.inspectionId)) byInspection.set(op.inspectionId, []);
          byInspection.get(op.inspectionId).push(op);
        }
        try {
          for (const [id, batch] of byInspection) await sendBatch(id, batch);
        } catch (error) {
          await release(db, ops); // settled ops are gone already; the rest may be replaced again
          throw error;
        }
      }
      hideAlert();
      await refreshFromServer();
    } catch (error) {
      if (error instanceof Pause) {
        paused = true;
        showAlert(error.message, error.message === TEXT.loginNeeded);
      } else {
        console.warn("sync will retry", error);
      }
    }
  });
  await updateStatus();
}

// ---- other tabs, downloads, start-up ------------------------------------------------

async function exportPending() {
  const pending = await allPending(db);
  const blob = new Blob([JSON.stringify({ exported_at: new Date().toISOString(), ops: pending }, null, 2)], {
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
  // Opening an inspection keeps its page and data for offline use (DESIGN §6).
  const name = document.body.dataset.offlineCache;
  if (!name || !("caches" in window) || !navigator.onLine) return;
  try {
    const cache = await caches.open(name);
    await cache.addAll([location.pathname, root.dataset.detailUrl]);
  } catch (error) {
    console.warn("could not cache the inspection for offline use", error);
  }
}

async function start() {
  db = await openStore();
  await applyLocalAnswers();
  bindInputs();
  if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
  document.getElementById("sync-now").addEventListener("click", () => syncNow(true));
  document.getElementById("export-pending").addEventListener("click", exportPending);
  window.addEventListener("online", () => syncNow());
  window.addEventListener("offline", () => updateStatus());
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") syncNow();
  });
  setInterval(() => syncNow(), SYNC_INTERVAL_MS);
  if (channel) {
    channel.addEventListener("message", async (event) => {
      if (event.data && event.data.inspectionId === inspectionId) {
        const local = await answersFor(db, inspectionId);
        const fieldset = fieldsets.get(event.data.code);
        const stored = local.get(event.data.code);
        if (fieldset && stored && !fieldset.contains(document.activeElement)) {
          show(fieldset, stored);
          fieldset.dataset.recorded = JSON.stringify(currentValue(fieldset));
          updateProgress();
        }
        updateStatus();
      }
    });
  }
  await updateStatus();
  cacheForOffline();
  await syncNow();
}

start().catch((error) => {
  console.error(error);
  showAlert(TEXT.storageFailed, false);
});
