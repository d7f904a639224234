import { eventually } from './support/eventually';
import { quadrantPng } from './support/make-png';
import { meetInRoom } from './support/meet-in-room';
import { kindOf, openOuter } from './support/outer-box';
import { attachImage, renderedImages, sendText, shownImageBytes, waitForMessage } from './support/pages';
import { fromPassword } from './support/room-secrets';
import { boxesIn, sentShapes } from './support/socket-io-frames';
import { TrafficRecorder } from './support/traffic-recorder';
import { useBrowserApp } from './support/use-browser-app';

// E2E.md P1, forward secrecy (docs/protocol.md §3.1): whoever recorded every frame of a chat and
// learns the password afterwards opens every outer box, and finds in them no text said and no
// image sent. With layer v1 each box opened to the text itself. And P5: what the server sees of
// the same chat is what it saw with v1.

/** Stretches of `bytes` that would betray it in a plaintext: its start, middle and end, 24 bytes each. */
function stretchesOf(bytes: Buffer): Buffer[] {
  const width = Math.min(24, bytes.length);
  return [0, Math.floor((bytes.length - width) / 2), bytes.length - width].map((start) => bytes.subarray(start, start + width));
}

describe('A recording of a chat, opened afterwards with the password (E2E.md P1, real Chromium)', () => {
  const app = useBrowserApp();

  it('every box opens, and not one holds a text said or the bytes of the image sent', async () => {
    const recordings = { Ada: new TrafficRecorder(), Bob: new TrafficRecorder() };
    const {
      room,
      password,
      users: [ada, bob],
      // Bob's page reads the image he was shown from its object URL, which the app's CSP rightly forbids to fetch.
    } = await meetInRoom(app(), [{ name: 'Ada', traffic: recordings.Ada }, { name: 'Bob', traffic: recordings.Bob, options: { bypassCSP: true } }], 'Secrecy');
    const texts = ['the vault code is 7319', 'Grüße: the meeting moved to Thursday', 'reply: 42 crates by the old pier'];
    await sendText(ada.page, texts[0]);
    await waitForMessage(bob.page, texts[0]);
    await sendText(bob.page, texts[1]);
    await waitForMessage(ada.page, texts[1]);
    await sendText(ada.page, texts[2]);
    await waitForMessage(bob.page, texts[2]);
    await attachImage(ada.page, { name: 'secret-map.png', mimeType: 'image/png', buffer: quadrantPng(40, 30) });
    await eventually(async () => expect(await renderedImages(bob.page)).toHaveLength(1));
    const [image] = await shownImageBytes(bob.page);

    // Afterwards: the password, and with it the room key, as anyone who learns it computes it.
    const holder = await fromPassword(app().server, room, password);
    // Each box once: as its sender sent it and as the other received it, it is one box.
    const recorded = [...boxesIn(recordings.Ada.frames, 'Ada'), ...boxesIn(recordings.Bob.frames, 'Bob')];
    const boxes = [...new Map(recorded.map((wire) => [`${wire.from}/${wire.id}`, wire])).values()];
    const opened = await Promise.all(boxes.map((wire) => openOuter(wire, holder)));

    // The recording holds the chat: three texts and an image, each in a signed "sealed" body, and
    // the layer's own boxes; every one opens with the password.
    const kinds = opened.map(kindOf);
    expect(new Set(kinds)).toEqual(new Set(['keys', 'chain', 'sealed']));
    expect(kinds.filter((kind) => kind === 'sealed')).toHaveLength(4);
    const needles = [...texts.map((text) => Buffer.from(text, 'utf8')), ...stretchesOf(image)];
    const found = opened.flatMap((plaintext, index) =>
      needles.filter((needle) => Buffer.from(plaintext).includes(needle)).map((needle) => `${boxes[index].from}/${boxes[index].id}: ${needle.toString('hex')}`),
    );
    expect(found).toEqual([]);

    // E2E.md P5: the server's view is unchanged in kind from v1. Everything a tab sent it is a
    // §5 event of the same shapes (a message is exactly { id, box } with a binary box), and
    // every box is a §3 outer box that the room key opens (above): the layer lives inside it.
    const v1Shapes = new Set(['message {box:binary, id:string}', 'typing {active:boolean}', 'received {seq:number}', 'received {missed:object, seq:number}', 'leave']);
    for (const recording of Object.values(recordings)) {
      const shapes = sentShapes(recording.frames);
      expect(shapes.filter((shape) => shape.startsWith('message'))).not.toHaveLength(0);
      expect(shapes.filter((shape) => !v1Shapes.has(shape))).toEqual([]);
    }
  }, 90_000);
});
