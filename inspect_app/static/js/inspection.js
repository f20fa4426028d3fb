// Inspection page: "Tải về để làm việc ngoại tuyến" keeps the page, the checklist and
// the inspection's data in the offline cache before leaving the office, and notes the
// download in this browser's storage (listed on "Dữ liệu ngoại tuyến").
import { openStore, rememberDownload } from "./offline-store.js";

const button = document.getElementById("download-offline");
const status = document.getElementById("offline-download-status");
const lang = document.documentElement.lang === "en" ? "en" : "vi";
const TEXT = {
  vi: {
    working: "Đang tải về…",
    done: "Đã tải về: có thể mở cuộc kiểm tra và phiếu kiểm tra khi không có mạng.",
    failed: "Không tải về được (cần có mạng và trình duyệt hỗ trợ làm việc ngoại tuyến).",
  },
  en: {
    working: "Downloading…",
    done: "Downloaded: the inspection and its checklist open without a network.",
    failed: "Could not download (needs a network and a browser with offline support).",
  },
}[lang];

if (button) {
  button.addEventListener("click", async () => {
    const name = document.body.dataset.offlineCache;
    status.textContent = TEXT.working;
    try {
      if (!name || !("caches" in window)) throw new Error("no Cache API");
      const urls = JSON.parse(button.dataset.urls);
      const cache = await caches.open(name);
      await cache.addAll([...urls, button.dataset.offlineUrl]);
      const db = await openStore();
      await rememberDownload(db, {
        owner: button.dataset.user,
        inspectionId: Number(button.dataset.inspectionId),
        title: button.dataset.title,
        urls,
        downloadedAt: Date.now(),
      });
      if (navigator.storage && navigator.storage.persist) await navigator.storage.persist();
      status.textContent = TEXT.done;
    } catch (error) {
      console.warn(error);
      status.textContent = TEXT.failed;
    }
  });
}
