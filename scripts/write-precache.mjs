// Writes the service worker's shell into a built dist/sw.js: the SHA-256 of index.html
// (the version, and the check that the page fetched at install is this deploy's) and the
// hashed files in dist/, listed from the folder itself so that the worker can never name
// a file that was not built. Fails when sw.js holds no placeholder, or when index.html
// names a hashed file that is not there. Prints the shell's size.
//
// Usage: node scripts/write-precache.mjs frontend/dist
// (scripts/build-frontend.sh runs it before compressing; the browser tests run it on a
// changed copy of dist/ to stand for a new deploy.)

import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync } from 'node:zlib';

const PLACEHOLDER = "'__SHELL__'";
// trunk's hashed names, as functions/server/src/site.rs knows them: `<name>-<16 hex>`,
// `_bg` after it for the wasm.
const HASHED = /^[\w.-]+-[0-9a-f]{16}(_bg)?\.(js|wasm|css)$/;

const dist = process.argv[2];
if (!dist) {
  console.error('usage: node scripts/write-precache.mjs DIST');
  process.exit(2);
}

const page = readFileSync(join(dist, 'index.html'));
const version = createHash('sha256').update(page).digest('hex');
const files = readdirSync(dist).filter((name) => HASHED.test(name)).sort().map((name) => `/${name}`);

const named = new Set(page.toString().match(/\/[\w.-]+-[0-9a-f]{16}(_bg)?\.(js|wasm|css)/g) ?? []);
const missing = [...named].filter((path) => !files.includes(path));
if (missing.length > 0) {
  console.error(`index.html names files that are not in ${dist}: ${missing.join(', ')}`);
  process.exit(1);
}

const workerPath = join(dist, 'sw.js');
const worker = readFileSync(workerPath, 'utf8');
if (worker.split(PLACEHOLDER).length !== 2) {
  console.error(`${workerPath} must hold the placeholder ${PLACEHOLDER} exactly once`);
  process.exit(1);
}
writeFileSync(workerPath, worker.replace(PLACEHOLDER, JSON.stringify({ version, files })));

const shell = ['/index.html', ...files];
const raw = shell.reduce((sum, path) => sum + statSync(join(dist, path)).size, 0);
const brotli = shell.reduce((sum, path) => sum + brotliCompressSync(readFileSync(join(dist, path))).length, 0);
console.log(`precache: ${shell.length} files, ${(raw / 1024).toFixed(1)} KiB (${(brotli / 1024).toFixed(1)} KiB brotli)`);
