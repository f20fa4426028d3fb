// After a logout, forget the pages and data kept for offline work, so that the next person
// on this laptop cannot open them. Unsent answers stay in IndexedDB: they are never dropped
// and go out at the next login.
const PRIVATE = [/^\/$/, /^\/offline$/, /^\/inspections\//, /^\/api\//];

async function forgetOfflinePages() {
  if (!("caches" in window)) return;
  for (const name of await caches.keys()) {
    if (!name.startsWith("inspect-app-")) continue;
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const path = new URL(request.url).pathname;
      if (PRIVATE.some((pattern) => pattern.test(path))) await cache.delete(request);
    }
  }
}

forgetOfflinePages()
  .catch((error) => console.warn("could not clear the offline pages", error))
  .finally(() => {
    document.body.dataset.offlineCleared = "true";
  });
