import type { Locator, Page } from 'playwright-core';
import { encode } from 'uqr';
import { seriousViolations } from './support/axe';
import { cspConsoleMessages, recordCspViolations } from './support/csp-violations';
import { eventually } from './support/eventually';
import {
  button,
  createRoom,
  field,
  fieldDescription,
  messageLog,
  pathOf,
  sendText,
  uniquePassword,
  uniqueRoom,
  roomAction,
  waitForChat,
  waitForMessage,
  waitForPath,
  type ButtonName,
} from './support/pages';
import { readPng } from './support/read-png';
import { useBrowserApp, type BrowserUser } from './support/use-browser-app';

// Issue 15, points 1 and 7: invite by link or QR code, "Leave chat" asks once, a prefilled join
// page waits in the field left to type, a wrong password says how many tries are left, and
// room-name checks leave nothing in the console. At the desktop and the phone size.

const FAILED_JOINS = 3;
const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
];

/** The visible one of the buttons named `name` (the header's and the empty room's panel both offer the invite). */
function visibleButton(page: Page, name: ButtonName): Locator {
  return button(page, name).filter({ visible: true }).first();
}

/** The id, or else the accessible text, of the focused element. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const active = document.activeElement;
    return active?.id || active?.textContent?.trim() || active?.tagName || '';
  });
}

/**
 * What the clipboard holds, read in a second tab of the same origin: the app's own pages forbid
 * reading it (Permissions-Policy `clipboard-read=()`), so this tab gets a bare page instead.
 */
async function readClipboard(user: BrowserUser): Promise<string> {
  const probe = await user.context.newPage();
  try {
    await probe.route('**/clipboard-probe', (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>probe</title>' }));
    await probe.goto('/clipboard-probe');
    await probe.bringToFront();
    return await probe.evaluate(() => navigator.clipboard.readText());
  } finally {
    await probe.close();
  }
}

/** The modules the screenshot of `svg` shows, sampled at each module's centre: true where dark. */
async function shownModules(svg: Locator): Promise<boolean[][]> {
  const [, , size] = ((await svg.getAttribute('viewBox')) ?? '').split(' ').map(Number);
  if (!size) throw new Error('the QR code has no viewBox');
  const picture = readPng(await svg.screenshot());
  return Array.from({ length: size }, (_, row) =>
    Array.from({ length: size }, (_, column) => {
      const [r, g, b] = picture.rgb(Math.floor(((column + 0.5) * picture.width) / size), Math.floor(((row + 0.5) * picture.height) / size));
      return r + g + b < 3 * 128;
    }),
  );
}

describe.each(VIEWPORTS)('Inviting and the small things of issue 15 at $width x $height (real Chromium)', (viewport) => {
  const app = useBrowserApp({ RATE_FAILED_JOINS_PER_MIN: String(FAILED_JOINS), DISCONNECT_GRACE_MS: '10000' });
  const newUser = async (options: Parameters<ReturnType<typeof app>['newUser']>[0] = {}): Promise<{ user: BrowserUser; violations: string[] }> => {
    const user = await app().newUser({ viewport, ...options });
    return { user, violations: options.bypassCSP ? [] : await recordCspViolations(user) };
  };
  const linkTo = (room: string) => `${app().baseURL}/login?roomname=${encodeURIComponent(room)}`;

  it('the creator copies the invite link, and opening it prefills the room and waits for the username, then the password', async () => {
    const room = uniqueRoom('Invite');
    const password = uniquePassword();
    const ada = await newUser();
    await ada.user.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app().baseURL });
    await createRoom(ada.user.page, { room, user: 'Ada', password });

    const panel = ada.user.page.getByRole('region', { name: 'Invite people' });
    await panel.waitFor({ state: 'visible' });
    expect(await panel.innerText()).toContain('Share the password another way (in person, by phone, or in a different app), never together with the link.');
    await visibleButton(ada.user.page, 'Copy invite link').click();
    await ada.user.page.getByRole('status').filter({ hasText: 'Invite link copied.' }).first().waitFor({ state: 'visible' });
    const copied = await readClipboard(ada.user);
    expect(copied).toBe(linkTo(room));
    expect(copied).not.toContain(password);

    const bob = await newUser();
    await bob.user.page.goto(copied);
    await eventually(async () => expect(await focused(bob.user.page)).toBe('username'));
    expect(await field(bob.user.page, 'Room name').inputValue()).toBe(room);
    await bob.user.page.keyboard.type('Bob');
    await bob.user.page.keyboard.press('Tab');
    expect(await focused(bob.user.page)).toBe('password');
    await bob.user.page.keyboard.type(password);
    await bob.user.page.keyboard.press('Enter');
    await waitForChat(bob.user.page);

    await eventually(async () => expect(await panel.count()).toBe(0));
    expect({ violations: [...ada.violations, ...bob.violations], console: [...cspConsoleMessages(ada.user), ...cspConsoleMessages(bob.user)] }).toEqual({
      violations: [],
      console: [],
    });
  }, 90_000);

  it('where the clipboard is refused, the link is selected in a read-only field to copy by hand', async () => {
    const room = uniqueRoom('Refused');
    const ada = await newUser();
    await ada.user.context.addInitScript(() => {
      Object.defineProperty(navigator.clipboard, 'writeText', { value: () => Promise.reject(new DOMException('refused', 'NotAllowedError')) });
    });
    await createRoom(ada.user.page, { room, user: 'Ada', password: uniquePassword() });

    await visibleButton(ada.user.page, 'Copy invite link').click();

    const linkField = ada.user.page.getByRole('textbox', { name: 'Invite link', exact: true }).first();
    await linkField.waitFor({ state: 'visible' });
    expect(await linkField.inputValue()).toBe(linkTo(room));
    expect(await linkField.evaluate((input: HTMLInputElement) => [input.readOnly, document.activeElement === input, input.selectionStart, input.selectionEnd])).toEqual([
      true,
      true,
      0,
      linkTo(room).length,
    ]);
    expect(await ada.user.page.getByRole('status').filter({ hasText: 'the link is selected below' }).count()).toBeGreaterThan(0);
    expect(ada.violations).toEqual([]);
  }, 90_000);

  it('"Show QR code" opens and closes by keyboard, and the code shown is the invite link', async () => {
    const room = uniqueRoom('Scan me');
    const ada = await newUser();
    await createRoom(ada.user.page, { room, user: 'Ada', password: uniquePassword() });
    const show = visibleButton(ada.user.page, 'Show QR code');

    await show.focus();
    await ada.user.page.keyboard.press('Enter');

    const dialog = ada.user.page.getByRole('dialog', { name: `Invite to ${room}` });
    await dialog.waitFor({ state: 'visible' });
    expect(await focused(ada.user.page)).toBe('Close');
    const code = dialog.getByRole('img', { name: 'QR code of the invite link' });
    expect(await code.isVisible()).toBe(true);
    expect(await dialog.innerText()).toContain(linkTo(room));
    expect(await dialog.innerText()).toContain('Share the password another way');
    expect(await shownModules(code)).toEqual(encode(linkTo(room), { ecc: 'M', border: 4 }).data);

    await ada.user.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await show.evaluate((element) => element === document.activeElement)).toBe(true);

    await ada.user.page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'visible' });
    await ada.user.page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'hidden' });
    expect(await show.evaluate((element) => element === document.activeElement)).toBe(true);
    expect({ violations: ada.violations, console: cspConsoleMessages(ada.user) }).toEqual({ violations: [], console: [] });
  }, 90_000);

  it('"Leave chat" asks once: Escape and Stay keep the conversation and the focus, "Leave and erase" leaves', async () => {
    const room = uniqueRoom('Leaving');
    const ada = await newUser();
    await createRoom(ada.user.page, { room, user: 'Leaver', password: uniquePassword() });
    await sendText(ada.user.page, 'worth keeping');
    const leave = await roomAction(ada.user.page, 'Leave chat');
    const dialog = ada.user.page.getByRole('dialog', { name: 'Leave and erase this conversation?' });

    await leave.click();
    await dialog.waitFor({ state: 'visible' });
    expect(await focused(ada.user.page)).toBe('Stay');
    await ada.user.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    expect(await leave.evaluate((element) => element === document.activeElement)).toBe(true);

    await leave.click();
    await button(ada.user.page, 'Stay').click();
    await dialog.waitFor({ state: 'hidden' });
    expect(await leave.evaluate((element) => element === document.activeElement)).toBe(true);
    expect(pathOf(ada.user.page)).toBe('/chat');
    await waitForMessage(ada.user.page, 'worth keeping');
    expect(await messageLog(ada.user.page).isVisible()).toBe(true);

    await leave.click();
    await button(ada.user.page, 'Leave and erase').click();
    await waitForPath(ada.user.page, '/');
    await app().server.waitForLog((record) => record.event === 'session.ended' && record['user'] === 'Leaver' && record['reason'] === 'left', 15_000);
    expect(ada.violations).toEqual([]);
  }, 90_000);

  it('a join page with the room and username waits in Password, and each wrong password says how many tries are left', async () => {
    const room = uniqueRoom('Tries');
    const owner = await newUser();
    await createRoom(owner.user.page, { room, user: 'Ada', password: uniquePassword() });
    const eve = await newUser();

    await eve.user.page.goto(`/login?roomname=${encodeURIComponent(room)}&username=Eve`);
    await eventually(async () => expect(await focused(eve.user.page)).toBe('password'));
    const said: string[] = [];
    for (let attempt = 0; attempt < FAILED_JOINS; attempt++) {
      await field(eve.user.page, 'Password').fill(`${uniquePassword()} wrong`);
      await field(eve.user.page, 'Password').press('Enter');
      const before = said.at(-1);
      said.push(
        await eventually(async () => {
          const now = await fieldDescription(eve.user.page, 'Password');
          expect(now).toMatch(/Wrong password\./);
          expect(now).not.toBe(before);
          return now;
        }),
      );
    }

    expect(said.map((text) => /Wrong password\.[^|]*/.exec(text)?.[0].trim())).toEqual([
      'Wrong password. 2 tries left before a one-minute wait.',
      'Wrong password. 1 try left before a one-minute wait.',
      'Wrong password. That was the last try for now: the next one comes after a one-minute wait.',
    ]);
    await field(eve.user.page, 'Password').fill(`${uniquePassword()} wrong`);
    await field(eve.user.page, 'Password').press('Enter');
    await eventually(async () => expect(await eve.user.page.locator('form [role="alert"]').innerText()).toMatch(/Too many attempts from your network; wait \d+ seconds? and try again\./));
    expect(pathOf(eve.user.page)).toBe('/login');
    expect(eve.violations).toEqual([]);
  }, 120_000);

  it('checking room names while typing, free and taken, in both forms, leaves no error or warning in the console', async () => {
    const taken = uniqueRoom('Taken');
    const owner = await newUser();
    await createRoom(owner.user.page, { room: taken, user: 'Ada', password: uniquePassword() });
    const visitor = await newUser();
    const { page } = visitor.user;
    const warnings: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'warning') warnings.push(message.text());
    });
    const asked: string[] = [];
    page.on('request', (request) => {
      if (new URL(request.url()).pathname.startsWith('/api/')) asked.push(new URL(request.url()).pathname);
    });
    const status = () => page.locator('#room-name-status');
    const typeRoom = async (name: string) => {
      await field(page, 'Room name').fill('');
      await field(page, 'Room name').pressSequentially(name, { delay: 20 });
    };

    await page.goto('/create');
    await typeRoom(uniqueRoom('Free'));
    await eventually(async () => expect(await status().innerText()).toContain('This name is free.'));
    await typeRoom(taken);
    await eventually(async () => expect(await status().innerText()).toContain('A room with this name exists'));

    await page.goto('/login');
    await typeRoom(uniqueRoom('Free'));
    await eventually(async () => expect(await status().innerText()).toContain('No room with this name yet'));
    await typeRoom(taken.toLowerCase());
    await eventually(async () => expect(await status().innerText()).toContain('Room found.'));

    expect(asked.length).toBeGreaterThanOrEqual(4);
    expect(asked.filter((path) => !path.endsWith('/exists'))).toEqual([]);
    expect({ errors: visitor.user.consoleErrors, warnings, violations: visitor.violations }).toEqual({ errors: [], warnings: [], violations: [] });
  }, 90_000);

  it('the empty room with its invite panel, the QR dialog and the leave question have no serious or critical axe finding', async () => {
    const room = uniqueRoom('Axe');
    const { user } = await newUser({ bypassCSP: true });
    await createRoom(user.page, { room, user: 'Ada', password: uniquePassword() });
    await user.page.getByRole('region', { name: 'Invite people' }).waitFor({ state: 'visible' });
    expect(await seriousViolations(user.page)).toEqual([]);

    await visibleButton(user.page, 'Show QR code').click();
    await user.page.getByRole('dialog', { name: `Invite to ${room}` }).waitFor({ state: 'visible' });
    expect(await seriousViolations(user.page)).toEqual([]);
    await user.page.keyboard.press('Escape');

    await (await roomAction(user.page, 'Leave chat')).click();
    await user.page.getByRole('dialog', { name: 'Leave and erase this conversation?' }).waitFor({ state: 'visible' });
    expect(await seriousViolations(user.page)).toEqual([]);
  }, 90_000);
});
