import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/server-process';
import { eventually } from './support/eventually';
import { button, createRoom, fillRoomForm, uniquePassword, uniqueRoom } from './support/pages';
import { BROWSER_SERVER_ENV, useBrowserApp } from './support/use-browser-app';

// From the error a person sees to the admin's log line: a refused create shows "Reference: <id>"
// under the form's alert; that id is the request's (X-Request-ID), Copy puts it on the clipboard,
// and `npm run logs -- --request <id>` finds the server's lines for it.

describe('The reference line under an error (real Chromium)', () => {
  // One room fills the server: the next create is refused with 503 CAPACITY, a form-level error.
  const app = useBrowserApp({ ...BROWSER_SERVER_ENV, MAX_ROOMS: '1' });

  it('shows the request id under the alert; Copy copies it; the admin finds its log lines with it', async () => {
    const owner = await app().newUser();
    await createRoom(owner.page, { room: uniqueRoom('Full'), user: 'Ada', password: uniquePassword() });

    const { page, context } = await app().newUser();
    await context.grantPermissions(['clipboard-write'], { origin: app().baseURL });
    // The app's Permissions-Policy refuses clipboard-read, so what is written is recorded instead.
    await page.addInitScript(() => {
      const copied: string[] = [];
      Object.assign(window, { copied });
      const write = navigator.clipboard.writeText.bind(navigator.clipboard);
      navigator.clipboard.writeText = async (text: string) => {
        await write(text);
        copied.push(text);
      };
    });
    const answered = page.waitForResponse((response) => response.url().endsWith('/api/rooms') && response.request().method() === 'POST');
    await page.goto('/create');
    await fillRoomForm(page, { room: uniqueRoom('Refused'), user: 'Eve', password: uniquePassword() });
    await button(page, 'Create room').click();
    const response = await answered;
    expect(response.status()).toBe(503);
    const id = (await response.headerValue('x-request-id')) ?? '';
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    const alert = page.getByRole('alert');
    await eventually(async () => expect(await alert.textContent()).toMatch(/cannot hold any more rooms/));
    expect((await alert.locator('.reference').textContent())?.replace(/\s+/g, ' ')).toContain(`Reference: ${id}`);
    await page.getByRole('button', { name: `Copy reference ${id}` }).click();
    await eventually(async () => expect(await alert.getByText('Copied.').count()).toBe(1));
    expect(await page.evaluate(() => (window as unknown as { copied: string[] }).copied)).toEqual([id]);

    const served = await app().server.waitForLog((record) => record.event === 'http.request' && record['reqId'] === id);
    expect(served).toMatchObject({ res: { statusCode: 503 } });
    const stdout = app().server.allLines().filter((line) => line.stream === 'stdout').map((line) => line.raw).join('\n');
    const found = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'logs.mjs'), '--request', id, '--json'], { input: stdout, encoding: 'utf8' });
    const events = found.stdout.split('\n').filter(Boolean).map((line) => (JSON.parse(line) as { event: string }).event);
    expect(events).toEqual(expect.arrayContaining(['room.rejected', 'http.request']));
  });
});
