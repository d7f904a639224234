import { eventually } from './support/eventually';
import { quadrantPng } from './support/make-png';
import {
  attachImage,
  createRoom,
  field,
  joinRoom,
  memberStatus,
  renderedImages,
  sendText,
  showsTyping,
  typeWithoutSending,
  uniquePassword,
  uniqueRoom,
  waitForMessage,
} from './support/pages';
import { findSecrets, TrafficRecorder } from './support/traffic-recorder';
import { useBrowserApp } from './support/use-browser-app';

describe('What leaves the browser (real Chromium)', () => {
  const app = useBrowserApp();

  it('no WebSocket frame, HTTP request or web storage holds the password or a message', async () => {
    const room = uniqueRoom('Private');
    const password = uniquePassword();
    const texts = [
      'the quarterly numbers are 4711 and 0815',
      'Grüße aus Köln – tschüß!',
      'a secret plan: meet at the old mill at nine',
    ];
    const recorder = new TrafficRecorder();
    const ada = await app().newUser();
    const bob = await app().newUser();
    recorder.watchContext(ada.context);
    recorder.watchContext(bob.context);

    await createRoom(ada.page, { room, user: 'Ada', password });
    await joinRoom(bob.page, { room, user: 'Bob', password });
    await eventually(async () => expect(await memberStatus(ada.page, 'Bob')).toBe('online'));

    await sendText(ada.page, texts[0]);
    await waitForMessage(bob.page, texts[0]);
    await typeWithoutSending(bob.page, texts[1]);
    await eventually(async () => expect(await showsTyping(ada.page, 'Bob')).toBe(true));
    await field(bob.page, 'Message').press('Enter');
    await waitForMessage(ada.page, texts[1]);
    await sendText(ada.page, texts[2]);
    await waitForMessage(bob.page, texts[2]);
    await attachImage(bob.page, { name: 'private-photo.png', mimeType: 'image/png', buffer: quadrantPng(24, 16) });
    await eventually(async () => expect(await renderedImages(ada.page)).toHaveLength(1));

    // The recording saw the traffic: the create and join bodies (with the room's name, which is
    // not secret) and a binary frame per sealed message each way.
    const bodies = recorder.requests.filter((request) => request.body !== null);
    expect(bodies.some((request) => request.method === 'POST' && request.body?.toString('utf8').includes(room))).toBe(true);
    expect(bodies.filter((request) => request.body?.toString('utf8').includes('"verifier"'))).toHaveLength(2);
    const sealed = recorder.frames.filter((frame) => frame.binary && frame.bytes.length >= 28);
    expect(sealed.filter((frame) => frame.direction === 'sent').length).toBeGreaterThanOrEqual(4);
    expect(sealed.filter((frame) => frame.direction === 'received').length).toBeGreaterThanOrEqual(4);

    const secrets = [password, ...texts];
    const leaks = [
      ...recorder.requests.flatMap((request) =>
        findSecrets(Buffer.concat([Buffer.from(request.url, 'utf8'), request.body ?? Buffer.alloc(0)]), secrets).map(
          (found) => `${request.method} ${request.url}: ${found}`,
        ),
      ),
      ...recorder.frames.flatMap((frame) =>
        findSecrets(frame.bytes, secrets).map((found) => `websocket frame ${frame.direction}: ${found}`),
      ),
    ];
    for (const page of [ada.page, bob.page]) {
      const stored = await page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage }, cookie: document.cookie }));
      leaks.push(...findSecrets(Buffer.from(stored, 'utf8'), secrets).map((found) => `web storage: ${found}`));
    }
    expect(leaks).toEqual([]);
  }, 60_000);
});
