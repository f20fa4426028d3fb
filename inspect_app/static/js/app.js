// Every page of a logged-in user: the service worker (scope "/") for offline work, the
// confirmation dialog for forms marked data-confirm, a warning before logging out with
// unsent changes, and a quiet sync of this user's unsent changes from any page.
import { confirmDialog } from "./confirm.js";

const body = document.body;
const user = body.dataset.user;
const lang = document.documentElement.lang === "en" ? "en" : "vi";
const TEXT = {
  vi: {
    unsent: (n) => `Còn ${n} thay đổi của bạn chưa được máy chủ nhận. Nếu đăng xuất, chúng vẫn được giữ trên máy này nhưng chỉ được gửi khi chính bạn đăng nhập lại. Nên ở lại và đồng bộ trước (xem “Dữ liệu ngoại tuyến”).`,
    logoutAnyway: "Vẫn đăng xuất",
  },
  en: {
    unsent: (n) => `${n} of your changes have not reached the server. If you log out they stay on this device, but are sent only when you log in again. Better stay and sync first (open “Offline data”).`,
    logoutAnyway: "Log out anyway",
  },
}[lang];

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch((error) => {
    console.warn("service worker registration failed", error);
  });
}

async function ownUnsent() {
  if (!user || !("indexedDB" in window)) return 0;
  try {
    const { openStore, summary } = await import("./offline-store.js");
    const db = await openStore();
    const counts = await summary(db, user);
    db.close();
    return counts.pending + counts.refused + counts.photos + counts.photosRefused;
  } catch (error) {
    return 0;
  }
}

document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || form.dataset.confirmed === "true") return;
  let message = form.dataset.confirm;
  let label = form.dataset.confirmLabel;
  const submitter = event.submitter;
  if (form.id === "logout-form") {
    event.preventDefault();
    const unsent = await ownUnsent();
    if (!unsent) {
      form.dataset.confirmed = "true";
      form.requestSubmit(submitter);
      return;
    }
    message = TEXT.unsent(unsent);
    label = TEXT.logoutAnyway;
  } else if (!message) {
    return;
  } else {
    event.preventDefault();
  }
  if (await confirmDialog(message, label)) {
    form.dataset.confirmed = "true";
    form.requestSubmit(submitter);
  }
});

// Pages other than the checklist and "Dữ liệu ngoại tuyến" (which sync themselves) still
// send this user's waiting changes, so that opening the app is enough once online.
async function backgroundSync() {
  if (!user || !navigator.onLine || document.getElementById("checklist") || document.getElementById("offline-data")) return;
  if (!(await ownUnsent())) return;
  const { openStore } = await import("./offline-store.js");
  const { syncOwn, withSyncLock } = await import("./offline-sync.js");
  const db = await openStore();
  await withSyncLock(() => syncOwn(db, user)).catch((error) => console.warn("background sync", error));
}

backgroundSync();
