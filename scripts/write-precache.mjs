// Writes the service worker's shell into a built dist/sw.js: the SHA-256 of index.html
// (the version, and the check that the page fetched at install is this deploy's) and the
// wasm, JS and CSS that index.html loads, each checked to be in dist/, so that the worker
// can never name a file that was not built. Fails when sw.js holds no placeholder, or
// when index.html names a file that is not there. Prints the shell's size.
//
// Usage: node scripts/write-precache.mjs frontend/dist
// (scripts/build-frontend.sh runs it before compressing; the browser tests run it on a
// changed copy of dist/ to stand for a new deploy.)

import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync } from 'node:zlib';

const PLACEHOLDER = "'__SHELL__'";
// The site's own files that the page loads: trunk's loader, its wasm and the stylesheet,
// each named after its content.
// trunk's minifier drops the quotes of attribute values: `href=/style-….css`.
const LOADED = /[\s"'(=]\/([\w.-]+\.(?:js|wasm|css))(?=[\s"')>])/g;

const dist = process.argv[2];
if (!dist) {
  console.error('usage: node scripts/write-precache.mjs DIST');
  process.exit(2);
}

const page = readFileSync(join(dist, 'index.html'));
const version = createHash('sha256').update(page).digest('hex');
const built = new Set(readdirSync(dist));
const named = [...new Set(Array.from(page.toString().matchAll(LOADED), (match) => match[1]))].sort();
const files = named.map((name) => `/${name}`);
const missing = named.filter((name) => !built.has(name));
if (named.length === 0 || missing.length > 0) {
  console.error(`index.html loads no file, or files that are not in ${dist}: ${missing.join(', ')}`);
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
