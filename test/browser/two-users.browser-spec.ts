import { eventually } from './support/eventually';
import { quadrantPng } from './support/make-png';
import {
  attachImage,
  countMessages,
  createRoom,
  field,
  joinRoom,
  leaveChat,
  logLines,
  memberStatus,
  messageItemDescription,
  messageLog,
  renderedImages,
  sendText,
  showsTyping,
  typeWithoutSending,
  uniquePassword,
  uniqueRoom,
  waitForMessage,
} from './support/pages';
import { useBrowserApp } from './support/use-browser-app';

describe('Two people in one room (real Chromium)', () => {
  const app = useBrowserApp();

  it('create, join, presence, text both ways, typing, an image, and leaving', async () => {
    const room = uniqueRoom('Team');
    const password = uniquePassword();
    const ada = await app().newUser();
    const bob = await app().newUser();

    await createRoom(ada.page, { room, user: 'Ada', password });
    await ada.page.getByText(room, { exact: true }).first().waitFor({ state: 'visible' });

    await joinRoom(bob.page, { room, user: 'Bob', password });

    await eventually(async () => {
      expect(await memberStatus(ada.page, 'Bob')).toBe('online');
      expect(await memberStatus(bob.page, 'Ada')).toBe('online');
      expect(await memberStatus(ada.page, 'Ada')).toBe('online');
    });

    await sendText(ada.page, 'Hello Bob, this is Ada.');
    await waitForMessage(bob.page, 'Hello Bob, this is Ada.');
    await eventually(async () => expect(await messageItemDescription(ada.page, 'Hello Bob, this is Ada.')).toMatch(/\bDelivered\b/));
    await expect(messageItemDescription(bob.page, 'Hello Bob, this is Ada.')).resolves.toContain('Ada');

    await sendText(bob.page, 'Hi Ada! Bob here.');
    await waitForMessage(ada.page, 'Hi Ada! Bob here.');
    await expect(messageItemDescription(ada.page, 'Hi Ada! Bob here.')).resolves.toContain('Bob');

    await typeWithoutSending(bob.page, 'I am typing a long');
    await eventually(async () => expect(await showsTyping(ada.page, 'Bob')).toBe(true));
    await field(bob.page, 'Message').press('Enter');
    await waitForMessage(ada.page, 'I am typing a long');
    await eventually(async () => expect(await showsTyping(ada.page, 'Bob')).toBe(false));

    await attachImage(ada.page, { name: 'quadrants.png', mimeType: 'image/png', buffer: quadrantPng(24, 16) });
    const received = await eventually(async () => {
      const images = await renderedImages(bob.page);
      expect(images).toHaveLength(1);
      return images[0];
    });
    expect(received).toMatchObject({ width: 24, height: 16 });
    expect(received.src).toMatch(/^(blob|data):/);

    await leaveChat(bob.page);
    await eventually(async () => {
      expect((await logLines(ada.page)).some((line) => line.includes('Bob') && /\bleft\b/i.test(line))).toBe(true);
      expect(await memberStatus(ada.page, 'Bob')).toBeUndefined();
    });
    expect(await countMessages(ada.page, 'Hello Bob, this is Ada.')).toBe(1);
    await expect(messageLog(ada.page).isVisible()).resolves.toBe(true);
  }, 60_000);
});
