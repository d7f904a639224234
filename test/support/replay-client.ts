import { ClientEvent, ServerEvent, type MessageAck, type PresenceEvent, type RelayedMessage } from '@ciphernest/protocol';
import { chatFor, newId, randomBox, type Session } from './builders';
import type { ChatClient } from './chat-client';
import { memberEvent } from './events';
import type { ServerProcess } from './server-process';

// What the resume and receipt specs (docs/protocol.md §5.1-5.2) do as clients: send messages and
// keep what the acks said, drop and resume a connection, read what a socket was sent in order.

/** A message as its sender knows it once acknowledged. */
export interface SentMessage {
  id: string;
  from: string;
  box: Buffer;
  seq: number;
  ts: number;
}

/** Sends a random box of `bytes` bytes as `from` and resolves with what the ack said (throws on a refusal). */
export async function sendMessage(client: ChatClient, from: string, bytes = 64): Promise<SentMessage> {
  const id = newId();
  const box = randomBox(bytes);
  const ack = await client.emitWithAckWithin<MessageAck>(10_000, ClientEvent.Message, { id, box });
  if (!ack.ok) throw new Error(`message refused: ${JSON.stringify(ack)}`);
  return { id, from, box, seq: ack.seq, ts: ack.ts };
}

/** A client of `session` whose handshake sends `auth: { token, resume }` (resume left out when undefined). */
export function resumingClient(server: ServerProcess, session: Session, resume: unknown): ChatClient {
  const auth = resume === undefined ? { token: session.token } : { token: session.token, resume };
  return chatFor(server, session, { auth });
}

/** Connects `session` with `resume` and takes its `presence`. */
export async function resumeAs(server: ServerProcess, session: Session, resume: unknown): Promise<ChatClient> {
  const client = resumingClient(server, session, resume);
  await client.connect(10_000);
  await client.next<PresenceEvent>(ServerEvent.Presence, () => true, 10_000);
  return client;
}

/** Closes `client` (a closed tab) and waits until `witness` hears that `name` is away. */
export async function goAway(client: ChatClient, name: string, witness: ChatClient): Promise<void> {
  client.disconnect();
  await witness.next(ServerEvent.Member, memberEvent('away', name), 10_000);
}

/** The `message` events the client got so far, in arrival order. */
export function messagesOf(client: ChatClient): RelayedMessage[] {
  return client
    .timeline()
    .filter((entry) => entry.event === ServerEvent.Message)
    .map((entry) => entry.args[0] as RelayedMessage);
}

/** The seqs of messagesOf(client). */
export function seqsOf(client: ChatClient): number[] {
  return messagesOf(client).map((message) => message.seq);
}

/** Waits until the client got a message with `seq` (the test's sentinel: everything before it has arrived). */
export function awaitSeq(client: ChatClient, seq: number, timeoutMs = 10_000): Promise<RelayedMessage> {
  const seen = messagesOf(client).find((message) => message.seq === seq);
  return seen ? Promise.resolve(seen) : client.next<RelayedMessage>(ServerEvent.Message, (message) => message.seq === seq, timeoutMs);
}

/** What a resumed socket was sent after its handshake, in order: presence, missed, messages (names and seqs). */
export function arrivalsOf(client: ChatClient): string[] {
  return client.timeline().flatMap((entry) => {
    if (entry.event === ServerEvent.Presence) return ['presence'];
    if (entry.event === ServerEvent.Missed) return [`missed ${JSON.stringify(entry.args[0])}`];
    if (entry.event === ServerEvent.Message) return [`message ${(entry.args[0] as RelayedMessage).seq}`];
    return [];
  });
}

/** `sent` exactly as docs/protocol.md §5 relays it: { id, from, ts, seq, box } with the same bytes. */
export function expectRelayed(received: RelayedMessage, sent: SentMessage): void {
  expect(Object.keys(received).sort()).toEqual(['box', 'from', 'id', 'seq', 'ts']);
  expect({ ...received, box: undefined }).toEqual({ id: sent.id, from: sent.from, ts: sent.ts, seq: sent.seq, box: undefined });
  expect(Buffer.from(received.box as Uint8Array).equals(sent.box)).toBe(true);
}
