import { randomBytes } from 'node:crypto';
import { lstat, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import {
  argon2Master,
  encKeyBytesFromMaster,
  open as openBox,
  openSessionSecrets,
  openUnderVault,
  roomKeysFromMaster,
  VaultSealError,
  vaultSealKey,
  type RoomKeys,
} from '@ciphernest/crypto';
import { apiPaths, ErrorCode, nameKey, normalizeName, type RelayedMessage, type SessionGrant } from '@ciphernest/protocol';
import type { BrowserContext, Page } from 'playwright-core';
import { joinRoom } from '../support/builders';
import { ChatClient, closeAllClients } from '../support/chat-client';
import { ServerProcess } from '../support/server-process';
import { eventually } from './support/eventually';
import { keptPoint } from './support/kept-conversation';
import { launchChromiumWithProfile } from './support/launch-chromium';
import { NodeMember } from './support/node-member';
import { createRoom, leaveChat, sendText, uniquePassword, uniqueRoom, waitForChat } from './support/pages';

// Issue 11, finding 3: the room key must never reach the disk. Chromium writes what a page keeps
// (IndexedDB, sessionStorage) into its profile directory, and a deleted record stays in those
// files until they are compacted. So each test runs Chromium on a profile of its own, chats,
// then closes the browser and reads every file of the profile.

const GRACE_MS = 3_000;
const SERVER_ADDRESS = '127.0.0.1';

interface Secret {
  what: string;
  bytes: Buffer;
}

/** A chat held in a profile of its own: Ada in Chromium, Bob a member in Node (NodeMember) recording the boxes. */
interface ProfileChat {
  profile: string;
  context: BrowserContext;
  page: Page;
  grant: SessionGrant;
  roomKey: string;
  keys: RoomKeys;
  secrets: Secret[];
  /** Ada's messages as relayed to Bob: outer boxes, each checked to open under the room key. */
  recorded: RelayedMessage[];
}

/** Every regular file under `dir`, at any depth (symlinks such as Chromium's Singleton* are not followed). */
async function filesUnder(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await filesUnder(path)));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

/** Which secret lies in which file of `profile`, in any file, at any offset. */
async function secretsOnDisk(profile: string, secrets: Secret[]): Promise<string[]> {
  const found: string[] = [];
  const files = await filesUnder(profile);
  for (const file of files) {
    if (!(await lstat(file)).isFile()) continue;
    const content = await readFile(file);
    for (const secret of secrets) if (content.includes(secret.bytes)) found.push(`${secret.what} in ${relative(profile, file)}`);
  }
  // The scan read something: a profile Chromium never wrote would prove nothing.
  expect(files.length).toBeGreaterThan(10);
  return found;
}

/** The forms in which a value could sit in Chromium's files: raw bytes, and text as UTF-8 and UTF-16LE (web storage). */
function secretForms(what: string, bytes: Uint8Array, text?: string): Secret[] {
  const forms: Secret[] = [{ what: `${what} (raw bytes)`, bytes: Buffer.from(bytes) }];
  for (const [form, shown] of [
    ['b64url', Buffer.from(bytes).toString('base64url')],
    ['hex', Buffer.from(bytes).toString('hex')],
    ...(text === undefined ? [] : [['as shown', text]]),
  ]) {
    forms.push({ what: `${what} (${form}, UTF-8)`, bytes: Buffer.from(shown, 'utf8') }, { what: `${what} (${form}, UTF-16LE)`, bytes: Buffer.from(shown, 'utf16le') });
  }
  return forms;
}

/** Every binary value this origin keeps in IndexedDB, in any database and store (named): what Chromium writes to disk for it. */
function binaryValuesInIndexedDb(page: Page): Promise<{ store: string; bytes: number[] }[]> {
  return page.evaluate(async () => {
    const found: { store: string; bytes: number[] }[] = [];
    const collect = (store: string, value: unknown, depth: number): void => {
      if (value instanceof ArrayBuffer) found.push({ store, bytes: Array.from(new Uint8Array(value)) });
      else if (ArrayBuffer.isView(value)) found.push({ store, bytes: Array.from(new Uint8Array(value.buffer, value.byteOffset, value.byteLength)) });
      else if (typeof value === 'object' && value !== null && depth < 4) for (const inner of Object.values(value)) collect(store, inner, depth + 1);
    };
    const settle = <T>(request: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    for (const { name } of await indexedDB.databases()) {
      if (name === undefined) continue;
      const database = await settle(indexedDB.open(name));
      for (const store of Array.from(database.objectStoreNames)) {
        for (const value of await settle(database.transaction(store).objectStore(store).getAll())) collect(store, value, 0);
      }
      database.close();
    }
    return found;
  });
}

describe('What the browser leaves on disk (real Chromium, a profile of its own)', () => {
  let server: ServerProcess | undefined;
  let open: { context: BrowserContext; profile: string }[] = [];

  beforeAll(async () => {
    server = await ServerProcess.start({ DISCONNECT_GRACE_MS: String(GRACE_MS), LOG_LEVEL: 'debug' });
  }, 40_000);

  afterEach(async () => {
    closeAllClients();
    for (const { context, profile } of open) {
      await context.close().catch(() => undefined);
      await rm(profile, { recursive: true, force: true });
    }
    open = [];
  });

  afterAll(async () => {
    await server?.kill();
  });

  function running(): ServerProcess {
    if (!server) throw new Error('the server has not started');
    return server;
  }

  /** Ada creates a room in Chromium on a fresh profile, Bob joins from Node; Ada sends, reloads (the sealed path), sends again. */
  async function chatInOwnProfile(): Promise<ProfileChat> {
    const profile = await mkdtemp(join(tmpdir(), 'ciphernest-profile-'));
    const context = await launchChromiumWithProfile(profile, { baseURL: running().url, viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' });
    open.push({ context, profile });
    context.setDefaultTimeout(15_000);
    const page = context.pages()[0] ?? (await context.newPage());
    const pageErrors: string[] = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));

    const room = uniqueRoom('Disk');
    const password = uniquePassword();
    const answered = page.waitForResponse((response) => response.request().method() === 'POST' && new URL(response.url()).pathname === apiPaths.rooms());
    await createRoom(page, { room, user: 'Ada', password });
    const grant = (await (await answered).json()) as SessionGrant;

    // The same keys, derived here from the password, the room's salt and its key (docs/protocol.md §2).
    const roomKey = nameKey(normalizeName(room));
    const master = await argon2Master(password, grant.room.kdf);
    const keys = await roomKeysFromMaster(master, roomKey);
    const encKeyBytes = await encKeyBytesFromMaster(master, roomKey);
    const secrets = [
      ...secretForms('the room key (encKey)', encKeyBytes),
      ...secretForms('the Argon2id master', master),
      ...(typeof grant.vault === 'string' ? secretForms('the vault', Buffer.from(grant.vault, 'base64url')) : []),
      // Never shown in a v2 room, still derived and sealed with the keys: it must not lie on disk either.
      { what: 'the fingerprint (UTF-8)', bytes: Buffer.from(keys.fingerprint, 'utf8') },
      { what: 'the fingerprint (UTF-16LE)', bytes: Buffer.from(keys.fingerprint, 'utf16le') },
    ];

    const bob = await NodeMember.connect(running(), await joinRoom(running(), { room, verifier: keys.verifier, kdf: grant.room.kdf }, { username: 'Bob' }), { roomKey, encKey: keys.encKey });
    const recorded: RelayedMessage[] = [];
    for (const text of ['sent before the reload', 'sent after the reload']) {
      if (recorded.length === 1) {
        await page.reload();
        await waitForChat(page);
      }
      await sendText(page, text);
      await bob.waitForText(`Ada: ${text}`);
      const shown = bob.events.find((event) => event.type === 'message' && event.message.kind === 'text' && event.message.text === text);
      const relayed = bob.relayed.find((message) => message.id === shown?.id);
      if (relayed === undefined) throw new Error(`Bob read "${text}" from no relayed message`);
      // The needle is right: the key computed here opens the outer box the page sealed.
      await expect(openBox(keys.encKey, { roomKey, from: relayed.from, id: relayed.id }, relayed.box as Uint8Array)).resolves.toBeInstanceOf(Uint8Array);
      recorded.push(relayed);
    }
    expect(pageErrors).toEqual([]);
    return { profile, context, page, grant, roomKey, keys, secrets, recorded };
  }

  /** Ada's token, from her own address: refused once the server has forgotten her session (and its vault). */
  function connectAsAda(chat: ProfileChat): Promise<string | undefined> {
    return new ChatClient(running().url, { token: chat.grant.token, from: SERVER_ADDRESS }).connectRefusal(10_000);
  }

  it('after "Leave chat", no file of the profile holds the room key, the master, the vault or the fingerprint', async () => {
    const chat = await chatInOwnProfile();

    await leaveChat(chat.page);
    await running().waitForLog((record) => record.event === 'session.ended' && record['user'] === 'Ada' && record['reason'] === 'left', 15_000);
    await chat.context.close();

    expect(await secretsOnDisk(chat.profile, chat.secrets)).toEqual([]);
    expect(await connectAsAda(chat)).toBe(ErrorCode.SessionNotFound);
  }, 90_000);

  it('after closing without leaving, once the session timed out, nothing on disk opens: the vault went with the session', async () => {
    const chat = await chatInOwnProfile();
    // Both messages (the last one the last seq the tab saw) are in the conversation the tab keeps.
    await eventually(async () => expect((await keptPoint(chat.page))?.seen).toBe(chat.recorded[1].seq));
    const sealed = await binaryValuesInIndexedDb(chat.page);

    await chat.context.close();
    await running().waitForLog((record) => record.event === 'session.ended' && record['user'] === 'Ada' && record['reason'] === 'timeout', GRACE_MS + 30_000);

    expect(await secretsOnDisk(chat.profile, chat.secrets)).toEqual([]);
    // Nor does any hold what was said, in the clear: the conversation the tab kept is sealed.
    const said = ['sent before the reload', 'sent after the reload'].flatMap((text) => secretForms(`the message "${text}"`, Buffer.from(text), text));
    expect(await secretsOnDisk(chat.profile, said)).toEqual([]);
    // The server forgot the session: its token gets no `presence`, so no vault, ever again.
    expect(await connectAsAda(chat)).toBe(ErrorCode.SessionNotFound);
    // What the tab kept for its reload is on disk, sealed: its keys and its conversation (issue
    // 13), each opening under the session's vault (which this test kept from the grant; no file
    // holds it) and under nothing else.
    expect(sealed.map(({ store }) => store)).toEqual(['sealed-conversations', 'sealed-keys']);
    const [conversation, keys] = sealed.map(({ bytes }) => Buffer.from(bytes));
    await expect(openSessionSecrets(randomBytes(32).toString('base64url'), keys)).rejects.toThrow(VaultSealError);
    const opened = await openSessionSecrets(chat.grant.vault, keys);
    const [, last] = chat.recorded;
    await expect(openBox(opened.encKey, { roomKey: chat.roomKey, from: last.from, id: last.id }, last.box as Uint8Array)).resolves.toBeInstanceOf(Uint8Array);
    await expect(openUnderVault(await vaultSealKey(randomBytes(32).toString('base64url')), 'conversation', conversation)).rejects.toThrow(VaultSealError);
    const lines = new TextDecoder().decode(await openUnderVault(await vaultSealKey(chat.grant.vault), 'conversation', conversation));
    expect(lines).toContain('sent before the reload');
    expect(lines).toContain('sent after the reload');
  }, 90_000);
});
