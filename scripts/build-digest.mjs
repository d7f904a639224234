// Writes build-info.json beside the built web app and prints its digest, so anyone can compare
// the app a server sends with the published build.
//
//   node scripts/build-digest.mjs [folder]     folder: argument, else BUILD_DIGEST_DIR, else
//                                              dist/apps/web/browser
//
// Method (deterministic, reproducible with coreutils):
//   1. files = index.html; then every script index.html references (<script src> and
//      <link rel="modulepreload" href>), in document order; then every other .js/.mjs file of the
//      build (lazy chunks, the Argon2id worker), sorted by path (code-unit order). Paths are
//      relative to the folder, with "/" separators.
//   2. listing = for each file, in that order: lowercase hex SHA-256 of its bytes, two spaces,
//      its path, "\n" (exactly what `sha256sum` prints).
//   3. digest = lowercase hex SHA-256 of the listing's UTF-8 bytes.
// So, in the folder: sha256sum index.html main-….js … | sha256sum   (files in the order of
// build-info.json's "files") prints the same digest. Hashing a listing rather than the files
// run together leaves no doubt where one file ends and the next begins. Stylesheets are covered
// through index.html, whose integrity attributes pin their SHA-384.
//
// The server adds two attributes to <app-root> when it sends index.html: ngCspNonce="…" (a fresh
// value per response) and data-room-directory="on|off". Remove both from a downloaded page
// before hashing.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

const folder = resolve(process.argv[2] ?? process.env.BUILD_DIGEST_DIR ?? 'dist/apps/web/browser');
const indexPath = join(folder, 'index.html');
if (!existsSync(indexPath)) {
  console.error(`build-digest: ${indexPath} is missing; build the web app first (ng build web).`);
  process.exit(1);
}

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

function attribute(tag, name) {
  const match = new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s"'>]+))`, 'i').exec(tag);
  return match ? (match[1] ?? match[2] ?? match[3]) : undefined;
}

/** A same-origin path from a src/href, relative to the folder (the build uses <base href="/">). */
function localPath(url) {
  if (/^[a-z][a-z0-9+.-]*:|^\/\//i.test(url)) return undefined;
  const path = decodeURIComponent(url.split(/[?#]/)[0]).replace(/^\.?\//, '');
  return path === '' ? undefined : path;
}

function referencedScripts(html) {
  const scripts = [];
  for (const [tag, name] of html.matchAll(/<(script|link)\b[^>]*>/gi)) {
    const isScript = name.toLowerCase() === 'script';
    if (!isScript && attribute(tag, 'rel')?.toLowerCase() !== 'modulepreload') continue;
    const url = attribute(tag, isScript ? 'src' : 'href');
    const path = url === undefined ? undefined : localPath(url);
    if (path !== undefined && !scripts.includes(path)) scripts.push(path);
  }
  return scripts;
}

const html = readFileSync(indexPath, 'utf8');
const referenced = referencedScripts(html);
for (const path of referenced) {
  if (!existsSync(join(folder, path))) {
    console.error(`build-digest: index.html references ${path}, which is not in ${folder}.`);
    process.exit(1);
  }
}
const others = readdirSync(folder, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile() && /\.m?js$/.test(entry.name))
  .map((entry) => relative(folder, join(entry.parentPath, entry.name)).split(sep).join('/'))
  .filter((path) => !referenced.includes(path))
  .sort();
const files = ['index.html', ...referenced, ...others];

const listing = files.map((path) => `${sha256(readFileSync(join(folder, path)))}  ${path}\n`).join('');
const digest = sha256(Buffer.from(listing, 'utf8'));

writeFileSync(join(folder, 'build-info.json'), `${JSON.stringify({ digest, algorithm: 'sha256', files }, null, 2)}\n`);
console.log(`Build digest: ${digest}`);
