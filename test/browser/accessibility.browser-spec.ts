import type { Page } from 'playwright-core';
import { seriousViolations } from './support/axe';
import { eventually } from './support/eventually';
import { quadrantPng } from './support/make-png';
import {
  attachImage,
  button,
  createRoom,
  field,
  fieldDescription,
  fillRoomForm,
  joinRoom,
  memberStatus,
  renderedImages,
  sendText,
  uniquePassword,
  uniqueRoom,
  waitForFieldRefusal,
  waitForMessage,
} from './support/pages';
import { useBrowserApp } from './support/use-browser-app';

async function visibleHeading(page: Page): Promise<void> {
  await page.getByRole('heading', { level: 1 }).first().waitFor({ state: 'visible' });
}

describe('Accessibility (axe-core in real Chromium)', () => {
  const app = useBrowserApp();

  describe.each(['light', 'dark'] as const)('%s theme', (colorScheme) => {
    // axe is injected as an inline script, which the app's CSP rightly forbids; the CSP spec covers the policy.
    const newUser = () => app().newUser({ colorScheme, bypassCSP: true });

    const staticPages: [string, (page: Page) => Promise<void>][] = [
      ['/', visibleHeading],
      ['/about', visibleHeading],
      ['/create', (page) => field(page, 'Room name').waitFor({ state: 'visible' })],
      ['/login', (page) => field(page, 'Room name').waitFor({ state: 'visible' })],
      ['/no-such-page', visibleHeading],
    ];

    it.each(staticPages)('%s has no serious or critical violation', async (path, ready) => {
      const { page } = await newUser();
      await page.goto(path);
      await ready(page);
      expect(await seriousViolations(page)).toEqual([]);
    }, 60_000);

    it('/login showing a refusal has no serious or critical violation', async () => {
      const { page } = await newUser();
      await page.goto('/login');
      const hint = await fieldDescription(page, 'Room name');
      await fillRoomForm(page, { room: uniqueRoom('Missing'), user: 'Eve', password: uniquePassword() });
      const submit = button(page, 'Join room');
      if (await submit.isEnabled()) await submit.click();
      await waitForFieldRefusal(page, 'Room name', hint);
      expect(await seriousViolations(page)).toEqual([]);
    }, 60_000);

    it('/chat with two members, messages and an image has no serious or critical violation', async () => {
      const room = uniqueRoom('Access');
      const password = uniquePassword();
      const ada = await newUser();
      const bob = await newUser();
      await createRoom(ada.page, { room, user: 'Ada', password });
      await joinRoom(bob.page, { room, user: 'Bob', password });
      await eventually(async () => expect(await memberStatus(ada.page, 'Bob')).toBe('online'));
      await sendText(ada.page, 'Hello from Ada');
      await sendText(bob.page, 'Hello from Bob, with a longer line so that it wraps on a narrow screen.');
      await waitForMessage(ada.page, 'Hello from Bob, with a longer line so that it wraps on a narrow screen.');
      await attachImage(bob.page, { name: 'picture.png', mimeType: 'image/png', buffer: quadrantPng(24, 16) });
      await eventually(async () => expect(await renderedImages(ada.page)).toHaveLength(1));
      expect(await seriousViolations(ada.page)).toEqual([]);
    }, 60_000);
  });
});
