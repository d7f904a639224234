import type { Page } from 'playwright-core';
import { eventually } from './support/eventually';
import {
  button,
  createRoom,
  field,
  fieldDescription,
  fillRoomForm,
  pathOf,
  uniquePassword,
  uniqueRoom,
  waitForFieldRefusal,
  type ButtonName,
  type FieldLabel,
} from './support/pages';
import { useBrowserApp } from './support/use-browser-app';

/** Submits when the app lets us: a form may rightly keep its button disabled while a field is known bad. */
async function submitIfAllowed(page: Page, name: ButtonName): Promise<void> {
  const submit = button(page, name);
  await submit.waitFor({ state: 'visible' });
  if (await submit.isEnabled()) await submit.click();
}

async function expectSentence(page: Page, label: FieldLabel, sentence: RegExp): Promise<void> {
  await eventually(async () => expect(await fieldDescription(page, label)).toMatch(sentence));
}

describe('The create and join forms (real Chromium)', () => {
  const app = useBrowserApp();

  describe('show each refusal as a sentence beside the right field', () => {
    it('a wrong password, a taken username, a missing room, a taken room name', async () => {
      const room = uniqueRoom('Errors');
      const password = uniquePassword();
      const owner = await app().newUser();
      await createRoom(owner.page, { room, user: 'Ada', password });

      const { page } = await app().newUser();
      await page.goto('/login');
      await fillRoomForm(page, { room, user: 'Eve', password: `${password} but wrong` });
      await button(page, 'Join room').click();
      await expectSentence(page, 'Password', /Wrong password\. 4 tries left before a one-minute wait\./);
      expect(pathOf(page)).toBe('/login');

      await field(page, 'Username').fill('ada');
      await field(page, 'Password').fill(password);
      await button(page, 'Join room').click();
      await expectSentence(page, 'Username', /already uses that name/i);
      expect(pathOf(page)).toBe('/login');

      await fillRoomForm(page, { room: uniqueRoom('Nowhere'), user: 'Eve', password });
      await submitIfAllowed(page, 'Join room');
      await expectSentence(page, 'Room name', /no room with this name/i);
      expect(pathOf(page)).toBe('/login');

      await page.goto('/create');
      await fillRoomForm(page, { room: room.toUpperCase(), user: 'Eve', password: uniquePassword() });
      await submitIfAllowed(page, 'Create room');
      await expectSentence(page, 'Room name', /already exists/i);
      expect(pathOf(page)).toBe('/create');
    }, 60_000);

    it('an invalid room name or username is explained before anything is sent', async () => {
      const { page } = await app().newUser();
      const posts: string[] = [];
      page.on('request', (request) => {
        if (request.method() !== 'GET') posts.push(request.url());
      });
      await page.goto('/create');
      const hints = { room: await fieldDescription(page, 'Room name'), user: await fieldDescription(page, 'Username') };
      await fillRoomForm(page, { room: 'a/b?c', user: 'Tab\tname', password: uniquePassword() });
      await submitIfAllowed(page, 'Create room');
      await waitForFieldRefusal(page, 'Room name', hints.room);
      await waitForFieldRefusal(page, 'Username', hints.user);
      expect(pathOf(page)).toBe('/create');
      expect(posts).toEqual([]);
    }, 60_000);
  });

  describe('look-alike names', () => {
    it('a username mixing alphabets is explained before anything is sent; one that looks like a member\'s is taken', async () => {
      const room = uniqueRoom('Lookalikes');
      const password = uniquePassword();
      const owner = await app().newUser();
      await createRoom(owner.page, { room, user: 'pepe', password });

      const { page } = await app().newUser();
      const posts: string[] = [];
      page.on('request', (request) => {
        if (request.method() !== 'GET') posts.push(request.url());
      });
      await page.goto('/login');
      await fillRoomForm(page, { room, user: 'p\u0435pe', password });
      await submitIfAllowed(page, 'Join room');
      await expectSentence(page, 'Username', /letters of one alphabet/i);
      expect(posts).toEqual([]);

      await field(page, 'Username').fill('\u0440\u0435\u0440\u0435');
      await button(page, 'Join room').click();
      await expectSentence(page, 'Username', /already uses that name, or one that looks the same/i);
      expect(pathOf(page)).toBe('/login');
    }, 60_000);
  });

  describe('prefill from the query', () => {
    it.each(['/create', '/login'])('%s fills Room name and Username', async (path) => {
      const { page } = await app().newUser();
      await page.goto(`${path}?username=Zo%C3%AB&roomname=Team%20room`);
      await eventually(async () => {
        expect(await field(page, 'Username').inputValue()).toBe('Zoë');
        expect(await field(page, 'Room name').inputValue()).toBe('Team room');
      });
      expect(await field(page, 'Password').inputValue()).toBe('');
    }, 60_000);
  });
});
