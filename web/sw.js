// Raftlab's service worker (docs/hosting.md): after one visit the hosted
// playground opens offline. `make dist` writes dist/sw.js from this file
// (web/offline.mjs), filling in the build's files and a version that changes
// whenever one of them does, so a new build is a new worker and the page
// offers to reload into it (web/offline.js).
const VERSION = "__RAFTLAB_VERSION__";
const FILES = __RAFTLAB_FILES__;
const CACHE = `raftlab-${VERSION}`;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES)));
});

// The first worker takes the page that installed it at once; a later one
// waits until the reader accepts the update (or every tab has closed).
self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("raftlab-") && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  if (event.data === "raftlab-update") self.skipWaiting();
});

// Pages come from the network when it answers (so a new build is seen at
// once) and from the cache when it does not, whatever their query string;
// the hashed files never change, so the cache answers for them first.
self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(
      fetch(request).catch(async () =>
        (await caches.match(request, { ignoreSearch: true })) ?? (await caches.match("./")) ?? Response.error()),
    );
    return;
  }
  event.respondWith(caches.match(request).then((hit) => hit ?? fetch(request)));
});
