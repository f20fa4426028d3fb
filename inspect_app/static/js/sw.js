// Service worker (docs/CONTRACTS.md, "Offline-first checklist").
//
// Two caches: the app shell (static assets), versioned and replaced by each release; and
// the data kept for offline work (the pages and JSON of inspections that were opened or
// downloaded), which is NOT versioned, so that a new release never deletes a download.
// HTML and data network-first, assets cache-first.
const VERSION = "__VERSION__";
const SHELL_CACHE = `inspect-app-shell-${VERSION}`;
const DATA_CACHE = "__DATA_CACHE__";
const SHELL = __SHELL__;
const OFFLINE_PAGE = "/static/offline.html";
// Pages and data kept for offline work.
const CACHEABLE = [
  /^\/$/,
  /^\/offline$/,
  /^\/inspections\/\d+$/,
  /^\/inspections\/\d+\/checklist$/,
  /^\/api\/v1\/inspections\/\d+$/,
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(SHELL_CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

function isCacheable(url) {
  return CACHEABLE.some((pattern) => pattern.test(url.pathname));
}

// Releases before the split kept downloads in the versioned cache: move them over first.
async function keepDownloads(name) {
  const old = await caches.open(name);
  const data = await caches.open(DATA_CACHE);
  for (const request of await old.keys()) {
    if (!isCacheable(new URL(request.url))) continue;
    if (await data.match(request)) continue;
    const response = await old.match(request);
    if (response) await data.put(request, response);
  }
}

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        if (!key.startsWith("inspect-app-") || key === SHELL_CACHE || key === DATA_CACHE) continue;
        if (!key.startsWith("inspect-app-shell-")) await keepDownloads(key);
        await caches.delete(key);
      }
      await self.clients.claim();
    })(),
  );
});

async function cacheFirst(request) {
  const cached = await caches.match(request, { ignoreSearch: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(SHELL_CACHE);
    cache.put(request, response.clone());
  }
  return response;
}

// The kept copy of a page or its data. A copy being replaced (another tab refreshing the
// download as this one opens) is missing from the cache until its new body is written: look
// again for a moment before saying the page was never downloaded.
async function cachedCopy(request) {
  for (let attempt = 0; attempt < 6; attempt += 1) {
    const cached = await caches.match(request);
    if (cached) return cached;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return null;
}

async function networkFirst(request, url) {
  try {
    const response = await fetch(request);
    // A redirect (to the login page) or an error must never replace a good copy.
    if (response.ok && !response.redirected && isCacheable(url)) {
      const cache = await caches.open(DATA_CACHE);
      await cache.put(request, response.clone());
    }
    return response;
  } catch (error) {
    const cached = await cachedCopy(request);
    if (cached) return cached;
    if (request.mode === "navigate") {
      const offline = await caches.match(OFFLINE_PAGE);
      if (offline) return offline;
    }
    throw error;
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/") || url.pathname.startsWith("/bootstrap/static/")) {
    event.respondWith(cacheFirst(request));
  } else if (request.mode === "navigate" || isCacheable(url)) {
    event.respondWith(networkFirst(request, url));
  }
});
