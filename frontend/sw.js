// The app shell's service worker: the app opens without a network.
//
// - At install it keeps this deploy's shell: index.html and its hashed wasm, JS and CSS,
//   in a cache of its own ("shell-<version>"), so two deploys never share one.
// - Hashed files come from that cache first: their name is their content.
// - Navigations go to the network first, and get the cached index.html when it fails,
//   answers 5xx (a CDN whose origin is down) or takes longer than NAVIGATION_WAIT_MS.
// - A new deploy's worker installs next to the running one and waits. The page offers a
//   reload, and only then does the new worker take over (the message "skip-waiting"),
//   with its own cache: an old page never loads a new file from the cache, nor a new
//   page an old one.
// - The API (/api/, /health) is left alone entirely: nothing there is answered or kept
//   here. The app's own queue decides about writes, and the session never reaches a
//   cache.

// Replaced by the build (scripts/write-precache.mjs) with {"version", "files"}: the
// SHA-256 of this deploy's index.html, and the hashed files it loads. Left as it is
// (trunk serve), the worker does nothing.
const SHELL = '__SHELL__';

const PAGE = '/index.html';
const NAVIGATION_WAIT_MS = 3000;

if (typeof SHELL === 'object') {
  const cacheName = `shell-${SHELL.version}`;
  const hashed = new Set(SHELL.files);

  self.addEventListener('install', (event) => event.waitUntil(precache(cacheName)));
  self.addEventListener('activate', (event) => event.waitUntil(activate(cacheName)));
  self.addEventListener('message', (event) => {
    if (event.data === 'skip-waiting') self.skipWaiting();
  });
  self.addEventListener('fetch', (event) => {
    const request = event.request;
    if (request.method !== 'GET') return;
    const url = new URL(request.url);
    if (url.origin !== self.location.origin || isApi(url.pathname)) return;
    if (request.mode === 'navigate') {
      event.respondWith(navigate(event, cacheName));
    } else if (hashed.has(url.pathname)) {
      event.respondWith(cacheFirst(request, cacheName));
    }
  });
}

function isApi(path) {
  return path.startsWith('/api/') || path === '/health';
}

async function precache(cacheName) {
  const cache = await caches.open(cacheName);
  // The page is checked against the digest the build wrote: a copy from another deploy
  // (a CDN still serving the previous one) fails the install, and the browser tries
  // again later, rather than keeping that page next to this deploy's files.
  const response = await fetch(PAGE, { cache: 'no-cache' });
  if (!response.ok) throw new Error(`${PAGE}: ${response.status}`);
  const body = await response.arrayBuffer();
  if ((await sha256(body)) !== SHELL.version) throw new Error(`${PAGE} is not this deploy's`);
  await cache.addAll(SHELL.files);
  await cache.put(PAGE, shellResponse(response, body));
}

// The page as it is kept: its own headers (the CSP among them), but no preload `Link`,
// which named the API calls for whoever was signed in when it was fetched, and no
// encoding or length, since the body kept is the decoded one.
function shellResponse(response, body) {
  const headers = new Headers(response.headers);
  for (const name of ['link', 'content-encoding', 'content-length']) headers.delete(name);
  return new Response(body, { status: 200, statusText: 'OK', headers });
}

async function activate(cacheName) {
  const names = await caches.keys();
  await Promise.all(names.filter((n) => n.startsWith('shell-') && n !== cacheName).map((n) => caches.delete(n)));
  // The navigation request starts while the worker boots, instead of after it.
  if (self.registration.navigationPreload) await self.registration.navigationPreload.enable();
  await self.clients.claim();
}

async function navigate(event, cacheName) {
  try {
    const response = await withTimeout(network(event), NAVIGATION_WAIT_MS);
    if (response.status < 500) return response;
  } catch {
    // Offline, refused, or too slow: the cached shell below.
  }
  const shell = await caches.match(PAGE, { cacheName });
  return shell ?? fetch(event.request);
}

async function network(event) {
  return (await event.preloadResponse) ?? fetch(event.request);
}

function withTimeout(promise, ms) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out')), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

async function cacheFirst(request, cacheName) {
  return (await caches.match(request, { cacheName })) ?? fetch(request);
}

async function sha256(body) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', body));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
