import { signal } from '@angular/core';
import type { MessageContext, SessionSecrets } from '@ciphernest/crypto';
import type { MemberEvent, MissedEvent, PresenceEvent, ReceiptEvent, RoomInfo, SeqRange, TypingEvent } from '@ciphernest/protocol';
import { Subject } from 'rxjs';

import type { ConnectionState, EndReason, ResumePoint } from '../../../core/realtime/chat-connection';
import type { ReceivedMessage } from '../../../core/realtime/server-event-streams';
import type { SealedConversation, SealedConversationStore, SealedImageChanges } from '../../../core/session/sealed-conversation-store';
import type { ChatSession } from '../../../core/session/session-store';
import type { PreparedImage } from '../image-prep';
import { relayedText } from './fake-e2e-layer';

// Test doubles for the chat feature's specs. Plain classes that record what they were asked,
// so they type-check with the app and need no test framework.

export const ROOM: RoomInfo = {
  name: 'Blue Room',
  creator: 'Alice',
  createdAt: '2026-01-01T00:00:00.000Z',
  kdf: { alg: 'argon2id', m: 65536, t: 3, p: 1, salt: 'AAAAAAAAAAAAAAAAAAAAAA' },
};

export const KEYS: SessionSecrets = { encKey: { type: 'secret' } as CryptoKey, fingerprint: '3f9a-07c1-b2e4-9d10-5a6b' };

/** A vault as `presence` carries it (b64url of 32 bytes). */
export const VAULT = 'AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8';

export function fakeSession(changes: Partial<ChatSession> = {}): ChatSession {
  return {
    token: 'token-of-bob',
    room: ROOM,
    roomKey: 'blue room',
    username: 'Bob',
    keys: KEYS,
    ...changes,
  };
}

export class FakeCryptoService {
  private issued = 0;
  /** Keys from vaultSealKey(), by vault: a blob opens only under the key and label it was sealed with. */
  private readonly vaultKeys = new Map<string, CryptoKey>();

  newMessageId(): string {
    return `own-message-id-${String(++this.issued).padStart(4, '0')}`;
  }

  async tokenDigest(token: string): Promise<string> {
    return `digest-of-${token}`;
  }

  async vaultSealKey(vault: string): Promise<CryptoKey> {
    if (!this.vaultKeys.has(vault)) this.vaultKeys.set(vault, { type: 'secret', algorithm: { name: `vault ${vault}` } } as unknown as CryptoKey);
    return this.vaultKeys.get(vault) as CryptoKey;
  }

  /** A "seal" that opens only under the same key object and label, like the real AAD and key. */
  async sealUnderVault(key: CryptoKey, label: string, plaintext: Uint8Array): Promise<Uint8Array> {
    const header = new TextEncoder().encode(`${(key.algorithm as { name: string }).name}|${label}|`);
    const sealed = new Uint8Array(header.length + plaintext.length);
    sealed.set(header);
    sealed.set(plaintext, header.length);
    return sealed;
  }

  async openUnderVault(key: CryptoKey, label: string, sealed: Uint8Array): Promise<Uint8Array> {
    const header = new TextEncoder().encode(`${(key.algorithm as { name: string }).name}|${label}|`);
    const same = sealed.length >= header.length && header.every((byte, i) => sealed[i] === byte);
    if (!same) throw new Error('sealed blob does not open');
    return sealed.slice(header.length);
  }
}

export interface RecordedSend {
  id: string;
  box: Uint8Array;
  resolve: (stamp: { seq: number; ts: number }) => void;
  reject: (error: unknown) => void;
}

export class FakeChatConnection {
  private readonly stateSignal = signal<ConnectionState>('connecting');
  private readonly reasonSignal = signal<EndReason | undefined>(undefined);
  readonly state = this.stateSignal.asReadonly();
  readonly endReason = this.reasonSignal.asReadonly();
  readonly presence$ = new Subject<PresenceEvent>();
  readonly member$ = new Subject<MemberEvent>();
  readonly message$ = new Subject<ReceivedMessage>();
  readonly typing$ = new Subject<TypingEvent>();
  readonly received$ = new Subject<ReceiptEvent>();
  readonly missed$ = new Subject<MissedEvent>();

  readonly connectedWith: string[] = [];
  /** The resume point of the last connect: what every handshake would carry. */
  resumePoint: ResumePoint = () => undefined;
  readonly receipts: { seq: number; missed?: SeqRange }[] = [];
  readonly sends: RecordedSend[] = [];
  readonly typingSent: boolean[] = [];
  leaves = 0;
  disconnects = 0;

  connect(token: string, resume: ResumePoint = () => undefined): void {
    this.connectedWith.push(token);
    this.resumePoint = resume;
    this.stateSignal.set('online');
  }

  receipt(seq: number, missed?: SeqRange): boolean {
    if (this.stateSignal() !== 'online') return false;
    this.receipts.push(missed === undefined ? { seq } : { seq, missed });
    return true;
  }

  send(message: { id: string; box: Uint8Array }): Promise<{ seq: number; ts: number }> {
    return new Promise((resolve, reject) => this.sends.push({ ...message, resolve, reject }));
  }

  typing(active: boolean): void {
    this.typingSent.push(active);
  }

  async leave(): Promise<void> {
    this.leaves++;
    this.end('left');
  }

  disconnect(): void {
    this.disconnects++;
    this.stateSignal.set('ended');
  }

  setState(state: ConnectionState): void {
    this.stateSignal.set(state);
  }

  end(reason: EndReason): void {
    this.reasonSignal.set(reason);
    this.stateSignal.set('ended');
  }

  /** Relays a message from `from`, sealed for `id` unless `sealedAs` says otherwise. */
  relay(from: string, id: string, text: string, sealedAs: Partial<MessageContext> = {}, seq = 1): void {
    this.message$.next(relayedText(from, id, text, sealedAs, seq));
  }
}

export class FakeSessionStore {
  restored: ChatSession | undefined = fakeSession();
  clears = 0;
  /** What unlock() opens: KEYS under VAULT unless a spec says otherwise. */
  sealedUnder: { vault: string; keys: SessionSecrets } | undefined = { vault: VAULT, keys: KEYS };
  readonly unlockedWith: string[] = [];

  async tabId(): Promise<string> {
    return 'tab-of-this-spec';
  }

  restore(): Promise<ChatSession | undefined> {
    return Promise.resolve(this.restored);
  }

  async unlock(vault: string): Promise<SessionSecrets | undefined> {
    this.unlockedWith.push(vault);
    return this.sealedUnder?.vault === vault ? this.sealedUnder.keys : undefined;
  }

  async clear(): Promise<void> {
    this.clears++;
  }
}

export class FakeApiClient {
  readonly endedSessions: string[] = [];

  async endSession(token: string): Promise<void> {
    this.endedSessions.push(token);
  }
}

export class FakeImagePrep {
  outcome: PreparedImage | Error = { mime: 'image/jpeg', bytes: new Uint8Array([1, 2, 3]), width: 40, height: 30 };
  readonly prepared: Blob[] = [];

  async prepare(file: Blob): Promise<PreparedImage> {
    this.prepared.push(file);
    if (this.outcome instanceof Error) throw this.outcome;
    return this.outcome;
  }
}

/** A tab's conversation store in memory: what IndexedDB would hold, by tab id. */
export class MemoryConversationStore implements SealedConversationStore {
  readonly conversations = new Map<string, SealedConversation>();
  readonly images = new Map<string, Map<string, Uint8Array>>();
  writes = 0;

  async read(tabId: string): Promise<SealedConversation | undefined> {
    return this.conversations.get(tabId);
  }

  async readImages(tabId: string): Promise<Map<string, Uint8Array>> {
    return new Map(this.images.get(tabId));
  }

  async write(tabId: string, conversation: SealedConversation, changes: SealedImageChanges): Promise<void> {
    this.writes++;
    const images = this.images.get(tabId) ?? new Map<string, Uint8Array>();
    for (const id of changes.drop) images.delete(id);
    for (const [id, sealed] of changes.put) images.set(id, sealed);
    this.images.set(tabId, images);
    this.conversations.set(tabId, conversation);
  }

  async erase(tabId: string): Promise<void> {
    this.conversations.delete(tabId);
    this.images.delete(tabId);
  }
}
