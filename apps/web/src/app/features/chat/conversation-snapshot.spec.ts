import type { ChatEntry } from './chat-entry';
import { decodeSnapshot, encodeSnapshot, keptLine } from './conversation-snapshot';

describe('conversation snapshots', () => {
  const text: ChatEntry = { type: 'message', id: 'alice-message-0001', from: 'Alice', own: false, delivery: 'received', ts: 5, seq: 2, content: { kind: 'text', text: 'hi' } };
  const image: ChatEntry = { type: 'message', id: 'bob-picture-000001', from: 'Bob', own: true, delivery: 'sent', seq: 3, reach: { delivered: [], waiting: ['Alice'] }, content: { kind: 'image', url: 'blob:x', mime: 'image/png', width: 2, height: 1 } };
  const line: ChatEntry = { type: 'system', id: 'system-1', text: 'Carol left', at: 9 };

  it('keeps lines without object URLs, and reads back what it wrote', () => {
    const entries = [text, image, line].map((entry) => keptLine(entry, (id) => id === image.id)).filter((kept) => kept !== undefined);
    const snapshot = { v: 1 as const, entries, members: [{ name: 'Alice', status: 'away' as const, creator: true }], receipts: [{ name: 'Alice', seq: 2, missed: [{ from: 1, to: 1 }] }] };

    expect(entries[1]).toEqual(expect.objectContaining({ content: { kind: 'image', mime: 'image/png', width: 2, height: 1, kept: true } }));
    expect(JSON.stringify(entries)).not.toContain('blob:');
    expect(decodeSnapshot(encodeSnapshot(snapshot))).toEqual(snapshot);
  });

  it('keeps a file without its bytes, and an image with the name its sender gave', () => {
    const file: ChatEntry = { ...text, id: 'alice-file-0000001', content: { kind: 'file', name: 'a.pdf', mime: 'application/pdf', size: 9, blob: new Blob(['x']) } };
    const notKept: ChatEntry = { ...text, id: 'alice-file-0000002', content: { kind: 'file-not-kept', name: 'b.pdf', mime: 'application/pdf', size: 4 } };
    const named: ChatEntry = { ...text, id: 'alice-picture-0002', content: { kind: 'image', url: 'blob:y', mime: 'image/gif', name: 'cat.gif' } };
    const entries = [file, notKept, named].map((entry) => keptLine(entry, () => true)).filter((kept) => kept !== undefined);

    expect(entries.map((line) => line.type === 'message' && line.content)).toEqual([
      { kind: 'file', name: 'a.pdf', mime: 'application/pdf', size: 9, kept: true },
      { kind: 'file', name: 'b.pdf', mime: 'application/pdf', size: 4, kept: false },
      { kind: 'image', mime: 'image/gif', name: 'cat.gif', width: undefined, height: undefined, kept: true },
    ]);
    const snapshot = { v: 1 as const, entries, members: [], receipts: [] };
    expect(decodeSnapshot(encodeSnapshot(snapshot))?.entries.map((line) => line.type === 'message' && line.content)).toEqual([
      { kind: 'file', name: 'a.pdf', mime: 'application/pdf', size: 9, kept: true },
      { kind: 'file', name: 'b.pdf', mime: 'application/pdf', size: 4, kept: false },
      { kind: 'image', mime: 'image/gif', name: 'cat.gif', width: undefined, height: undefined, kept: true },
    ]);
  });

  it('drops a kept file line that does not read well', () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ v: 1, entries: [{ ...text, content: { kind: 'file', name: 'a.pdf', mime: 'application/pdf', size: -1, kept: true } }], members: [], receipts: [] }));

    expect(decodeSnapshot(bytes)?.entries).toEqual([]);
  });

  it('keeps no placeholder of a held message (the layer keeps no held body)', () => {
    const held: ChatEntry = { type: 'message', id: 'alice-message-0002', from: 'Alice', own: false, delivery: 'received', seq: 4, content: { kind: 'held' } };

    expect(keptLine(held, () => true)).toBeUndefined();
  });

  it("keeps the end-to-end layer's state and its unacknowledged boxes, bytes as they were", () => {
    const layer = { state: new Uint8Array([1, 2, 250]), unsent: [{ id: 'chain-box-00000000001', kind: 'chain' as const, box: new Uint8Array([9, 8]) }] };
    const snapshot = { v: 1 as const, entries: [], members: [], receipts: [], layer };

    expect(new TextDecoder().decode(encodeSnapshot(snapshot))).toContain('"state":"AQL6"');
    expect(decodeSnapshot(encodeSnapshot(snapshot))).toEqual(snapshot);
  });

  it('reads a snapshot without its layer state when that does not read well', () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ v: 1, entries: [], members: [], receipts: [], layer: { state: 'AQL6', unsent: [{ id: 'x', kind: 'odd', box: 'AA' }] } }));

    expect(decodeSnapshot(bytes)).toEqual({ v: 1, entries: [], members: [], receipts: [] });
  });

  it('reads nothing from bytes that are not a snapshot of this version', () => {
    expect(decodeSnapshot(new TextEncoder().encode('not json'))).toBeUndefined();
    expect(decodeSnapshot(new TextEncoder().encode(JSON.stringify({ v: 2, entries: [], members: [], receipts: [] })))).toBeUndefined();
  });

  it('drops lines that do not read well and keeps the rest', () => {
    const bytes = new TextEncoder().encode(
      JSON.stringify({ v: 1, entries: [{ type: 'message', id: 'x', content: { kind: 'text' } }, line, { type: 'message', id: 'y', from: 'A', own: false, delivery: 'odd', content: { kind: 'text', text: 'z' } }], members: [{ name: 'A', status: 'asleep' }], receipts: [{ name: 'A', seq: -1, missed: [] }] }),
    );

    expect(decodeSnapshot(bytes)).toEqual({ v: 1, entries: [line], members: [], receipts: [] });
  });

  it('keeps replies, reactions and deleted messages (a deleted one with nothing of what it held)', () => {
    const reply: ChatEntry = { ...text, id: 'carol-message-0001', from: 'Carol', replyTo: 'alice-message-0001', reactions: [{ emoji: '\u{1F44D}', names: ['Alice', 'Bob'] }] };
    const deleted: ChatEntry = { type: 'message', id: 'alice-message-0002', from: 'Alice', own: false, delivery: 'received', ts: 6, seq: 3, content: { kind: 'deleted' } };
    const entries = [reply, deleted].map((entry) => keptLine(entry, () => false)).filter((kept) => kept !== undefined);
    const snapshot = { v: 1 as const, entries, members: [], receipts: [] };

    expect(decodeSnapshot(encodeSnapshot(snapshot))).toEqual(snapshot);
  });

  it('drops a quote that is not a message id, reactions outside the set, and anything but the bare line of a deleted message', () => {
    const bytes = new TextEncoder().encode(
      JSON.stringify({
        v: 1,
        entries: [
          { ...text, replyTo: 'not an id', reactions: [{ emoji: '\u{1F44E}', names: ['Alice'] }, { emoji: '\u{1F44D}', names: [] }, { emoji: '\u{1F389}', names: ['Carol'] }] },
          { ...text, id: 'alice-message-0002', replyTo: 'alice-message-0001', reactions: [{ emoji: '\u{1F44D}', names: ['Carol'] }], content: { kind: 'deleted', text: 'hi' } },
        ],
        members: [],
        receipts: [],
      }),
    );

    const entries = decodeSnapshot(bytes)?.entries;
    expect(entries?.[0]).toEqual({ ...text, reach: undefined, error: undefined, reactions: [{ emoji: '\u{1F389}', names: ['Carol'] }] });
    expect(entries?.[1]).toEqual({ ...text, id: 'alice-message-0002', reach: undefined, error: undefined, content: { kind: 'deleted' } });
  });
});
