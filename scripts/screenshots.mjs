// `npm run screenshots`: every page in light and dark, 1280 and 390 px wide, the room on a phone
// with its Members drawer open, and the invite dialog (invite.png), into docs/screenshots/.
// `npm run screenshots -- invite login` takes only those.
// Builds nothing: it runs the built server (dist/) on a free port and drives Debian's Chromium.
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import process from 'node:process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SERVER_ENTRY = resolve(ROOT, 'dist/apps/server/main.js');
const WEB_INDEX = resolve(ROOT, 'dist/apps/web/browser/index.html');
const OUT_DIR = resolve(ROOT, 'docs/screenshots');
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const THEMES = ['light', 'dark'];
const WIDTHS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
];
const ROOM = 'Design review';
const INVITE_ROOM = 'Book club';
const SHOTS = ['chat', 'invite', 'home', 'about', 'create', 'login', 'not-found'];
const PASSWORD = 'velvet otter compass lantern';

function fail(message) {
  console.error(`screenshots: ${message}`);
  process.exit(1);
}

/** Starts the built server on a free port; resolves with its base URL once it logged `server.started`. */
function startServer() {
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_FORMAT: 'json',
    LOG_LEVEL: 'info',
  };
  const child = spawn(process.execPath, [SERVER_ENTRY], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = [];
  child.stderr.setEncoding('utf8').on('data', (chunk) => output.push(chunk));
  const started = new Promise((resolveStart, rejectStart) => {
    const timer = setTimeout(() => rejectStart(new Error(`no server.started within 20 s:\n${output.join('')}`)), 20_000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      output.push(`${line}\n`);
      let record;
      try {
        record = JSON.parse(line);
      } catch {
        return;
      }
      if (record?.event === 'server.started' && Number.isInteger(record.port)) {
        clearTimeout(timer);
        resolveStart(`http://127.0.0.1:${record.port}`);
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      rejectStart(new Error(`the server exited (${code ?? signal}) before it started:\n${output.join('')}`));
    });
  });
  return { child, started };
}

/** Waits for the page's own network and fonts to settle (debounced look-ups included). */
async function settle(page) {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.evaluate(() => document.fonts.ready.then(() => undefined));
  await sleep(600);
  await page.waitForLoadState('networkidle').catch(() => undefined);
}

/** A picture to send: a calm gradient with a few shapes, drawn by the browser itself. */
async function drawPicture(page) {
  const bytes = await page.evaluate(async () => {
    const canvas = new OffscreenCanvas(960, 600);
    const g = canvas.getContext('2d');
    const sky = g.createLinearGradient(0, 0, 0, 600);
    sky.addColorStop(0, '#2b5876');
    sky.addColorStop(1, '#f3b58a');
    g.fillStyle = sky;
    g.fillRect(0, 0, 960, 600);
    g.fillStyle = '#fde9b5';
    g.beginPath();
    g.arc(680, 330, 70, 0, Math.PI * 2);
    g.fill();
    g.fillStyle = '#23344a';
    g.beginPath();
    g.moveTo(0, 600);
    g.lineTo(0, 420);
    g.lineTo(220, 300);
    g.lineTo(420, 430);
    g.lineTo(620, 340);
    g.lineTo(960, 470);
    g.lineTo(960, 600);
    g.closePath();
    g.fill();
    const blob = await canvas.convertToBlob({ type: 'image/png' });
    return Array.from(new Uint8Array(await blob.arrayBuffer()));
  });
  return Buffer.from(bytes);
}

async function fillAndSubmit(page, path, buttonName, user) {
  await page.goto(path);
  await page.getByLabel('Room name', { exact: true }).fill(ROOM);
  await page.getByLabel('Username', { exact: true }).fill(user);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: buttonName, exact: true }).click();
  await page.waitForURL((url) => url.pathname === '/chat', { timeout: 30_000 });
  await page.getByLabel('Message', { exact: true }).waitFor({ state: 'visible' });
}

async function send(page, text, others) {
  const input = page.getByLabel('Message', { exact: true });
  await input.fill(text);
  await input.press('Enter');
  for (const other of [page, ...others]) {
    await other.getByRole('log', { name: 'Messages', exact: true }).getByText(text, { exact: true }).first().waitFor();
  }
}

/** Two members, a few messages and a picture, as Ada sees them. */
async function startConversation(browser, baseURL) {
  const options = { baseURL, viewport: WIDTHS[0], reducedMotion: 'reduce' };
  const ada = await (await browser.newContext(options)).newPage();
  const grace = await (await browser.newContext(options)).newPage();
  await fillAndSubmit(ada, '/create', 'Create room', 'Ada');
  await fillAndSubmit(grace, '/login', 'Join room', 'Grace');
  await send(ada, 'Morning! The new onboarding flow is up for review; here is the first screen.', [grace]);
  const picture = await drawPicture(ada);
  await ada.getByLabel('Attach file', { exact: true }).setInputFiles({ name: 'onboarding.png', mimeType: 'image/png', buffer: picture });
  for (const page of [ada, grace]) {
    await page.waitForFunction(() =>
      Array.from(document.querySelectorAll('[role="log"] img')).some((image) => image.complete && image.naturalWidth > 0),
    );
  }
  await send(grace, 'Looks calm and clear. I compared our safety number with you on the phone: it matches.', [ada]);
  await send(grace, 'Can we ship it on Thursday?', [ada]);
  await send(ada, 'Thursday works. I will write the release note.', [grace]);
  return { ada, grace };
}

/** The message `text` in the log of `page` (its own text, not a quote of it). */
function messageItem(page, text) {
  return page
    .getByRole('log', { name: 'Messages', exact: true })
    .locator('li')
    .filter({ has: page.locator('app-message-text').filter({ hasText: text }) })
    .first();
}

/** Chooses `item` in the "Message actions" menu of the message `text`. */
async function chooseAction(page, text, item) {
  await messageItem(page, text).getByRole('button', { name: 'Message actions', exact: true }).click();
  const role = item.startsWith('React with') ? 'menuitemcheckbox' : 'menuitem';
  await page.getByRole('menu', { name: 'Message actions', exact: true }).getByRole(role, { name: item, exact: true }).click();
}

/** Grace replies to Ada's question with a mention, both react; then Ada opens the actions of Grace's reply. */
async function showMessageActions(ada, grace) {
  await chooseAction(grace, 'Thursday works. I will write the release note.', 'React with party popper');
  await chooseAction(ada, 'Can we ship it on Thursday?', 'React with thumbs up');
  await chooseAction(grace, 'Thursday works. I will write the release note.', 'Reply');
  await send(grace, 'Thank you @Ada! I will review it on Wednesday.', [ada]);
  await messageItem(ada, 'Thank you @Ada! I will review it on Wednesday.').getByRole('button', { name: 'Message actions', exact: true }).click();
  await ada.getByRole('menu', { name: 'Message actions', exact: true }).waitFor();
}

async function capture(page, name, files) {
  for (const theme of THEMES) {
    await page.emulateMedia({ colorScheme: theme });
    for (const size of WIDTHS) {
      await page.setViewportSize(size);
      await settle(page);
      // A resize keeps the log's scroll offset; show the latest messages, as a reader would see them.
      await page.evaluate(() => document.querySelectorAll('[role="log"]').forEach((log) => log.scrollTo(0, log.scrollHeight)));
      const file = resolve(OUT_DIR, `${name}-${theme}-${size.width}.png`);
      await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
      files.push(relative(ROOT, file));
    }
  }
}

/** The room on a phone (390x844, light theme) as it opens, and with its Members drawer open. */
async function capturePhone(page, files) {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize(WIDTHS[1]);
  await settle(page);
  await page.evaluate(() => document.querySelectorAll('[role="log"]').forEach((log) => log.scrollTo(0, log.scrollHeight)));
  const shots = [
    ['chat-phone', async () => undefined],
    [
      'chat-phone-members',
      async () => {
        await page.getByRole('button', { name: 'Members', exact: true }).click();
        await page.getByRole('dialog', { name: 'Members', exact: true }).waitFor();
      },
    ],
  ];
  for (const [name, prepare] of shots) {
    await prepare();
    await settle(page);
    const file = resolve(OUT_DIR, `${name}.png`);
    await page.screenshot({ path: file, animations: 'disabled' });
    files.push(relative(ROOT, file));
  }
}

/** The creator's new room with the invite dialog open: invite.png, light, 1280 px. */
async function captureInvite(browser, baseURL, files) {
  const page = await (await browser.newContext({ baseURL, viewport: WIDTHS[0], reducedMotion: 'reduce', colorScheme: 'light' })).newPage();
  await page.goto('/create');
  await page.getByLabel('Room name', { exact: true }).fill(INVITE_ROOM);
  await page.getByLabel('Username', { exact: true }).fill('Ada');
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Create room', exact: true }).click();
  await page.waitForURL((url) => url.pathname === '/chat', { timeout: 30_000 });
  await page.getByRole('region', { name: 'Invite people', exact: true }).waitFor();
  await page.getByRole('button', { name: 'Show QR code', exact: true }).first().click();
  await page.getByRole('dialog', { name: `Invite to ${INVITE_ROOM}`, exact: true }).waitFor();
  await settle(page);
  const file = resolve(OUT_DIR, 'invite.png');
  await page.screenshot({ path: file, animations: 'disabled' });
  files.push(relative(ROOT, file));
}

/** A small but real PDF (one empty page), for the file card. */
function samplePdf() {
  const objects = ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>', '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>'];
  let body = '%PDF-1.4\n';
  const offsets = objects.map((object, index) => {
    const offset = body.length;
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
    return offset;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** The message with a file card, once Ada has sent a PDF: docs/screenshots/file-card.png (light, 1280 px). */
async function captureFileCard(page, files) {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize(WIDTHS[0]);
  const name = 'Onboarding review notes, Thursday release.pdf';
  await page.getByLabel('Attach file', { exact: true }).setInputFiles({ name, mimeType: 'application/pdf', buffer: samplePdf() });
  const item = page.getByRole('log', { name: 'Messages', exact: true }).locator('li').filter({ has: page.getByRole('button', { name: `Download ${name}`, exact: true }) });
  await item.getByText(/Sent|Delivered/).waitFor();
  await settle(page);
  const file = resolve(OUT_DIR, 'file-card.png');
  await item.screenshot({ path: file, animations: 'disabled' });
  files.push(relative(ROOT, file));
}

async function main() {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((name) => !SHOTS.includes(name));
  if (unknown.length > 0) fail(`unknown screenshot ${unknown.join(', ')}; choose from ${SHOTS.join(', ')}.`);
  const takes = (name) => wanted.length === 0 || wanted.includes(name);
  if (!existsSync(SERVER_ENTRY) || !existsSync(WEB_INDEX)) fail('build first (npm run build): dist/ has no server or no web app.');
  if (!existsSync(CHROMIUM_PATH)) fail(`Chromium is missing at ${CHROMIUM_PATH} (apt-get install -y chromium, or set CHROMIUM_PATH).`);
  mkdirSync(OUT_DIR, { recursive: true });

  const server = startServer();
  let browser;
  const files = [];
  try {
    const baseURL = await server.started;
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: ['--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });

    if (takes('chat') || takes('file-card') || takes('message-actions')) {
      const { ada: chat, grace } = await startConversation(browser, baseURL);
      if (takes('chat')) {
        await capture(chat, 'chat', files);
        await capturePhone(chat, files);
      }
      if (takes('file-card')) await captureFileCard(chat, files);
      if (takes('message-actions')) {
        await showMessageActions(chat, grace);
        await capture(chat, 'message-actions', files);
      }
    }
    if (takes('invite')) await captureInvite(browser, baseURL, files);

    const viewer = await (await browser.newContext({ baseURL, viewport: WIDTHS[0], reducedMotion: 'reduce' })).newPage();
    const pages = [
      ['home', '/', (page) => page.getByRole('heading', { level: 1 }).first().waitFor()],
      ['about', '/about', (page) => page.getByRole('heading', { level: 1 }).first().waitFor()],
      ['create', '/create?roomname=Book%20club&username=Ada', (page) => page.getByLabel('Room name', { exact: true }).waitFor()],
      ['login', `/login?roomname=${encodeURIComponent(ROOM)}&username=Linus`, (page) => page.getByLabel('Room name', { exact: true }).waitFor()],
      ['not-found', '/no-such-page', (page) => page.getByRole('heading', { level: 1 }).first().waitFor()],
    ];
    for (const [name, path, ready] of pages.filter(([name]) => takes(name))) {
      await viewer.goto(path);
      await ready(viewer);
      await capture(viewer, name, files);
    }
  } finally {
    await browser?.close().catch(() => undefined);
    server.child.kill('SIGTERM');
  }
  for (const file of files) console.log(file);
  console.log(`${files.length} screenshots written.`);
}

main().catch((error) => fail(error instanceof Error ? (error.stack ?? error.message) : String(error)));
