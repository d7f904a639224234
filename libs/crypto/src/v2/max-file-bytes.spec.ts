import { DEFAULT_LIMITS } from '@ciphernest/protocol';
import { newMessageId } from '../random-bytes';
import { fileBoxBytes, maxFileBytes, sealedBoxBytes } from './max-file-bytes';
import { TestRelay } from './testing/test-relay';

jest.setTimeout(60_000);

const LABEL = { mime: 'application/pdf', name: 'Rapport annuel – été 2026.pdf' };

async function twoMembers(): Promise<TestRelay> {
  const relay = await TestRelay.open();
  await relay.join('Ada');
  await relay.join('Bo');
  await relay.settle();
  return relay;
}

/** The box E2eRoom really makes of a file of `size` bytes (everything due before it already sent). */
async function sentBox(relay: TestRelay, size: number): Promise<Uint8Array> {
  const out = await relay.tab('Ada').room.send(newMessageId(), { kind: 'file', ...LABEL, bytes: new Uint8Array(size).fill(7) }, relay.now);
  expect(out.map((outgoing) => outgoing.kind)).toEqual(['sealed']);
  return out[0].box;
}

describe('the size of a file message', () => {
  it.each([1, 100, 227, 228, 255, 256, 4_000, 65_536, 1_000_001])('is known exactly before sealing: %i bytes', async (size) => {
    const relay = await twoMembers();
    expect((await sentBox(relay, size)).length).toBe(fileBoxBytes({ ...LABEL, size }));
  });

  it('grows with the file in steps of 256 bytes, from the sealed body around the plaintext', () => {
    expect(sealedBoxBytes(256) % 256).toBe(28);
    expect(fileBoxBytes({ ...LABEL, size: 1 })).toBeLessThan(fileBoxBytes({ ...LABEL, size: 5_000 }));
  });

  it('puts the largest file that fits a small limit in a box of at most that limit, and one byte more over it', async () => {
    const limit = 70_000;
    const largest = maxFileBytes(limit, LABEL);
    expect(fileBoxBytes({ ...LABEL, size: largest })).toBeLessThanOrEqual(limit);
    expect(fileBoxBytes({ ...LABEL, size: largest + 1 })).toBeGreaterThan(limit);
    const relay = await twoMembers();
    expect((await sentBox(relay, largest)).length).toBeLessThanOrEqual(limit);
  });

  it('leaves under 1 KiB of MAX_MESSAGE_BYTES (8 MiB) to the layers, and a file of that size really fits', async () => {
    const limit = DEFAULT_LIMITS.maxMessageBytes;
    const largest = maxFileBytes(limit, LABEL);
    expect(limit - largest).toBeLessThan(1024);
    expect(limit - largest).toBeGreaterThan(101 + 28);
    const relay = await twoMembers();
    const box = await sentBox(relay, largest);
    expect(box.length).toBeLessThanOrEqual(limit);
    expect(box.length).toBe(fileBoxBytes({ ...LABEL, size: largest }));
  });

  it('leaves a longer name less room', () => {
    const short = maxFileBytes(DEFAULT_LIMITS.maxMessageBytes, { mime: 'application/pdf', name: 'a.pdf' });
    const long = maxFileBytes(DEFAULT_LIMITS.maxMessageBytes, { mime: 'application/pdf', name: `${'📄'.repeat(250)}.pdf` });
    expect(long).toBeLessThan(short);
  });

  it('is 0 when not even an empty file fits', () => {
    expect(maxFileBytes(100, LABEL)).toBe(0);
  });
});
