import { E2eRoom, openUnderVault, vaultSealKey } from '@ciphernest/crypto';
import type { Page } from 'playwright-core';
import type { RoomSecrets } from './node-member';
import type { TrafficRecorder } from './traffic-recorder';

/** Where the tab's kept conversation stands: the seq numbers it keeps in the clear beside the sealed lines. */
export interface KeptPoint {
  seen: number;
  opened: number;
  receipted: number;
}

/** The record a tab keeps for a reload (its seq numbers in the clear, the rest sealed under the vault). */
export interface KeptRecord {
  point: KeptPoint;
  sealed: Buffer;
}

/**
 * The conversation this tab keeps for a reload (IndexedDB `ciphernest`, store
 * `sealed-conversations`, part `log`), or undefined while it keeps none. The lines and the
 * end-to-end layer's state are sealed under the session's vault; only the seq numbers, which
 * the server knows anyway, are readable.
 */
export async function keptRecord(page: Page): Promise<KeptRecord | undefined> {
  const record = await page.evaluate(async () => {
    const settle = <T>(request: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    if (!(await indexedDB.databases()).some((database) => database.name === 'ciphernest')) return undefined;
    const database = await settle(indexedDB.open('ciphernest'));
    try {
      if (!database.objectStoreNames.contains('sealed-conversations')) return undefined;
      const parts = await settle(database.transaction('sealed-conversations').objectStore('sealed-conversations').getAll());
      const log = parts.find((part: { part?: string }) => part.part === 'log') as { point: KeptPoint; sealed: Uint8Array } | undefined;
      return log === undefined ? undefined : { point: log.point, sealed: Array.from(log.sealed) };
    } finally {
      database.close();
    }
  });
  return record === undefined ? undefined : { point: record.point, sealed: Buffer.from(record.sealed) };
}

/** The read point of the conversation this tab keeps for a reload, or undefined while it keeps none. */
export async function keptPoint(page: Page): Promise<KeptPoint | undefined> {
  return (await keptRecord(page))?.point;
}

/**
 * The end-to-end layer a kept conversation holds, opened as the tab would open it after a
 * reload: what whoever holds that tab's disk and its vault can do.
 */
export async function keptLayer(record: KeptRecord, vault: string, secrets: RoomSecrets): Promise<E2eRoom> {
  const lines = await openUnderVault(await vaultSealKey(vault), 'conversation', record.sealed);
  const { layer } = JSON.parse(Buffer.from(lines).toString('utf8')) as { layer?: { state: string } };
  if (layer === undefined) throw new Error('the kept conversation holds no end-to-end layer');
  return E2eRoom.restore({ sealed: Buffer.from(layer.state, 'base64url'), vault, encKey: secrets.encKey });
}

/**
 * The `auth` of every Socket.IO CONNECT to /chat that the tab sent (Engine.IO message "4",
 * Socket.IO CONNECT "0", namespace, then the JSON auth), in order, whichever transport carried
 * it: a WebSocket frame, or the body of a long-polling POST (packets separated by U+001E), which
 * a reconnect may fall back to.
 */
export function chatHandshakes(traffic: TrafficRecorder): Record<string, unknown>[] {
  const overWebSocket = traffic.frames.filter((frame) => frame.direction === 'sent' && !frame.binary).map((frame) => ({ at: frame.at, texts: [frame.bytes.toString('utf8')] }));
  const overPolling = traffic.requests
    .filter((request) => request.method === 'POST' && request.url.includes('/socket.io/') && request.body !== null)
    .map((request) => ({ at: request.at, texts: (request.body ?? Buffer.alloc(0)).toString('utf8').split('\u001e') }));
  return [...overWebSocket, ...overPolling]
    .sort((a, b) => a.at - b.at)
    .flatMap(({ texts }) => texts)
    .filter((text) => text.startsWith('40/chat,'))
    .map((text) => JSON.parse(text.slice('40/chat,'.length)) as Record<string, unknown>);
}

/**
 * The highest seq in `frames` that the tab has seen (docs/protocol.md §5.1): relayed messages it
 * received and acknowledgements of its own, the layer's "keys" and "chain" boxes included; the
 * others' receipts do not count.
 */
export function seqSeen(frames: readonly { direction: 'sent' | 'received'; binary: boolean; bytes: Buffer }[]): number {
  let highest = 0;
  for (const frame of frames) {
    if (frame.direction !== 'received' || frame.binary) continue;
    const text = frame.bytes.toString('utf8');
    const relayed = /^4(?:2|5\d+-)\/chat,\["message",(\{.*\})\]$/.exec(text);
    const ack = /^43\/chat,\d+\[(\{.*\})\]$/.exec(text);
    const payload = JSON.parse(relayed?.[1] ?? ack?.[1] ?? '{}') as { seq?: unknown; ok?: unknown };
    if ((relayed !== null || payload.ok === true) && typeof payload.seq === 'number') highest = Math.max(highest, payload.seq);
  }
  return highest;
}
