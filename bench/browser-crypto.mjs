// Client crypto of `npm run bench` in headless Chromium: libs/crypto bundled for the browser by
// esbuild (in memory), served with a one-page HTTP server on 127.0.0.1, driven by
// playwright-core. The page times itself with performance.now(), so only the browser's work is
// counted, not the round trips to it.
import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { REPO_ROOT } from './lib/targets.mjs';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--disable-background-networking', '--disable-component-update', '--no-first-run'];

/** The page's code: what a member's browser does, timed. Bundled with libs/crypto. */
const PAGE_ENTRY = `
import { b64urlEncode, decryptMessage, deriveRoomKeys, E2eRoom, encryptImage, encryptText, importEncKey, newKdf, newMessageId, randomBytes } from '@ciphernest/crypto';

const ROOM_KEY = 'bench room';
const PASSWORD = 'correct horse battery staple';

function randomFill(bytes) {
  for (let offset = 0; offset < bytes.length; offset += 65536) crypto.getRandomValues(bytes.subarray(offset, offset + 65536));
  return bytes;
}

let counter = 0;
function ctx() {
  counter += 1;
  return { roomKey: ROOM_KEY, from: 'alice', id: 'benchmessage' + String(counter).padStart(10, '0') };
}

async function timed(task) {
  const start = performance.now();
  const value = await task();
  return { ms: performance.now() - start, value };
}

globalThis.cnBench = {
  /** Argon2id at the default kdf (m=65536 KiB, t=3, p=1) plus the HKDF steps; the first run is cold. */
  async kdf(runs) {
    const times = [];
    let keys;
    for (let i = 0; i < runs; i++) {
      const kdf = newKdf();
      const run = await timed(() => deriveRoomKeys(PASSWORD, ROOM_KEY, kdf));
      times.push(run.ms);
      keys = run.value;
      if (i === 0) globalThis.cnKdf = kdf;
    }
    globalThis.cnKey = keys.encKey;
    return { times, m: globalThis.cnKdf.m, t: globalThis.cnKdf.t, p: globalThis.cnKdf.p };
  },
  /** encryptImage of a 5 MiB image (framing, padding, AES-256-GCM); one unmeasured run first. */
  async image(runs, bytes) {
    const image = randomFill(new Uint8Array(bytes));
    await encryptImage(globalThis.cnKey, ctx(), { mime: 'image/jpeg', bytes: image, name: 'photo.jpg', width: 4000, height: 3000 });
    const times = [];
    let boxBytes = 0;
    for (let i = 0; i < runs; i++) {
      const run = await timed(() => encryptImage(globalThis.cnKey, ctx(), { mime: 'image/jpeg', bytes: image, name: 'photo.jpg', width: 4000, height: 3000 }));
      times.push(run.ms);
      boxBytes = run.value.length;
    }
    return { times, boxBytes };
  },
  /** 1,000 text messages sealed first, then opened and checked one after another, as they arrive. */
  async decrypt(count) {
    const sealed = [];
    for (let i = 0; i < count; i++) {
      const context = ctx();
      const text = 'message ' + i + ': ' + 'lorem ipsum dolor sit amet '.repeat(4);
      sealed.push({ context, box: await encryptText(globalThis.cnKey, context, text) });
    }
    await decryptMessage(globalThis.cnKey, sealed[0].context, sealed[0].box);
    const run = await timed(async () => {
      let chars = 0;
      for (const { context, box } of sealed) chars += (await decryptMessage(globalThis.cnKey, context, box)).text.length;
      return chars;
    });
    return { ms: run.ms, count, boxBytes: sealed[0].box.length };
  },
};
/**
 * A room of end-to-end layer v2 tabs (docs/protocol.md §3.1) in this page, joined by an in-page
 * relay that hands every box to every other tab in order, as the server does. Each tab's time
 * is the time spent in its own E2eRoom calls: one thread runs them one after another, so that is
 * the CPU the tab would spend in its own browser.
 */
class PageRoom {
  constructor(encKey) {
    this.encKey = encKey;
    this.tabs = new Map();
  }

  async add(name) {
    const room = await E2eRoom.create({ roomKey: ROOM_KEY, username: name, vault: b64urlEncode(randomBytes(32)), encKey: this.encKey });
    const tab = { name, room, inbox: [], ms: 0 };
    this.tabs.set(name, tab);
    return tab;
  }

  async timed(tab, task) {
    const start = performance.now();
    try {
      return await task();
    } finally {
      tab.ms += performance.now() - start;
    }
  }

  post(from, outgoing) {
    for (const { id, box } of outgoing) for (const tab of this.tabs.values()) if (tab.name !== from) tab.inbox.push({ from, id, box });
  }

  /** Every tab reads all that waits for it and sends what comes due, until nothing is left. */
  async settle() {
    for (let busy = true; busy; ) {
      busy = false;
      for (const tab of this.tabs.values()) {
        while (tab.inbox.length > 0) {
          busy = true;
          const relayed = tab.inbox.shift();
          await this.timed(tab, () => tab.room.receive(relayed, Date.now()));
        }
        const due = await this.timed(tab, () => tab.room.flush(Date.now()));
        if (due.length > 0) busy = true;
        this.post(tab.name, due);
      }
    }
  }

  resetTimes() {
    for (const tab of this.tabs.values()) tab.ms = 0;
  }

  times() {
    return [...this.tabs.values()].map((tab) => tab.ms);
  }
}

globalThis.cnBench.membership = async (size) => {
  const page = new PageRoom(await importEncKey(randomBytes(32)));
  const names = Array.from({ length: size }, (_, index) => 'member' + index);
  for (const name of names) await page.add(name);
  for (const tab of page.tabs.values()) await tab.room.syncMembers(names);
  await page.settle();
  // A member leaves: every other one deletes its keys and starts a chain for those who stay.
  const [leaver] = names;
  page.tabs.delete(leaver);
  page.resetTimes();
  for (const tab of page.tabs.values()) await page.timed(tab, () => tab.room.memberLeft(leaver));
  await page.settle();
  const leave = page.times();
  // A newcomer takes the place: everyone starts a chain for it, it announces itself and takes theirs.
  page.resetTimes();
  const newcomer = await page.add('newcomer');
  for (const tab of page.tabs.values()) {
    if (tab === newcomer) await page.timed(tab, () => tab.room.syncMembers([...page.tabs.keys()]));
    else await page.timed(tab, () => tab.room.memberJoined('newcomer'));
  }
  await page.settle();
  const join = page.times();
  // The room works after both: the newcomer reads a text from the first who stayed.
  const speaker = page.tabs.get(names[1]);
  page.post(speaker.name, await speaker.room.send(newMessageId(), { kind: 'text', text: 'welcome' }, Date.now()));
  const events = [];
  for (const relayed of newcomer.inbox.splice(0)) events.push(...(await newcomer.room.receive(relayed, Date.now())));
  if (!events.some((event) => event.type === 'message')) throw new Error('the newcomer could not read the room after the change');
  // One text each way, the layer's own cost (sign + seal to send; verify + open to read), 200 times.
  const reader = page.tabs.get(names[2]);
  const sendMs = [];
  const readMs = [];
  for (let count = 0; count < 200; count += 1) {
    let start = performance.now();
    const outgoing = await speaker.room.send(newMessageId(), { kind: 'text', text: 'a text of a usual length, about sixty characters long.' }, Date.now());
    sendMs.push(performance.now() - start);
    const message = outgoing[outgoing.length - 1];
    start = performance.now();
    const read = await reader.room.receive({ from: speaker.name, id: message.id, box: message.box }, Date.now());
    readMs.push(performance.now() - start);
    if (!read.some((event) => event.type === 'message')) throw new Error('a text could not be read');
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return { size, leave, join: join.slice(0, -1), newcomer: join[join.length - 1], text: { sendMs: median(sendMs), readMs: median(readMs), count: 200 } };
};

globalThis.cnReady = true;
`;

async function bundle() {
  const result = await build({
    stdin: { contents: PAGE_ENTRY, resolveDir: REPO_ROOT, sourcefile: 'bench-crypto-page.js', loader: 'js' },
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    tsconfig: `${REPO_ROOT}/tsconfig.json`,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

function serve(script) {
  const page = '<!doctype html><meta charset="utf-8"><title>CipherNest crypto bench</title><script src="/bench.js"></script>';
  const server = createServer((req, res) => {
    if (req.url === '/bench.js') res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(script);
    else if (req.url === '/') res.writeHead(200, { 'Content-Type': 'text/html' }).end(page);
    else res.writeHead(404).end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/**
 * Runs the client-side measurements (key derivation, image encryption, decryption, a membership
 * change in a v2 room of 64) and returns their raw times (ms).
 * `quick` runs fewer repetitions.
 */
export async function runBrowserCrypto({ quick }) {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`Chromium is missing at ${CHROMIUM_PATH} (set CHROMIUM_PATH)`);
  const script = await bundle();
  const server = await serve(script);
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    await page.waitForFunction(() => globalThis.cnReady === true, undefined, { timeout: 30_000 }).catch(() => {
      throw new Error(`the crypto page did not load: ${errors.join('; ') || 'no error reported'}`);
    });
    const kdf = await page.evaluate((runs) => globalThis.cnBench.kdf(runs), quick ? 2 : 5);
    const image = await page.evaluate(([runs, bytes]) => globalThis.cnBench.image(runs, bytes), [quick ? 3 : 10, 5 * 1024 * 1024]);
    const decrypt = await page.evaluate((count) => globalThis.cnBench.decrypt(count), 1_000);
    const membership = await page.evaluate((size) => globalThis.cnBench.membership(size), 64);
    return { kdf, image, decrypt, membership, version: browser.version() };
  } finally {
    await browser.close();
    server.close();
  }
}
