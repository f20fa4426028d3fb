// Service worker: app shell cache-first, HTML network-first, versioned cache (DESIGN §6).
const VERSION = "__VERSION__";
const CACHE = `inspect-app-${VERSION}`;
const SHELL = __SHELL__;
const OFFLINE_PAGE = "/static/offline.html";
// Pages and data kept for offline work: an inspection, its checklist, its JSON.
const CACHEABLE = [
  /^\/$/,
  /^\/inspections\/\d+$/,
  /^\/inspections\/\d+\/checklist$/,
  /^\/api\/v1\/inspections\/\d+$/,
];

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) =>
        Promise.all(
          keys
            .filter((key) => key.startsWith("inspect-app-") && key !== CACHE)
            .map((key) => caches.delete(key)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

function isCacheable(url) {
  return CACHEABLE.some((pattern) => pattern.test(url.pathname));
}

async function cacheFirst(request) {
  const cached = await caches.match(request, { ignoreSearch: true });
  if (cached) return cached;
  const response = await fetch(request);
  if (response.ok) {
    const cache = await caches.open(CACHE);
    cache.put(request, response.clone());
  }
  return response;
}

async function networkFirst(request, url) {
  try {
    const response = await fetch(request);
    // A redirect (to the login page) or an error must never replace a good copy.
    if (response.ok && !response.redirected && isCacheable(url)) {
      const cache = await caches.open(CACHE);
      await cache.put(request, response.clone());
    }
    return response;
  } catch (error) {
    const cached = await caches.match(request);
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
