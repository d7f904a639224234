import { ClientEvent, ServerEvent, type MessageAck, type PresenceEvent, type RelayedMessage } from '@ciphernest/protocol';
import { chatFor, newId, randomBox, type Session } from '../../support/builders';
import type { ChatClient } from '../../support/chat-client';
import type { ServerProcess } from '../../support/server-process';

/** Sends a message and resolves with its ack's stamp; a refusal is a test error. */
export async function sendOk(client: ChatClient, id = newId(), box: Uint8Array = randomBox()): Promise<{ id: string; seq: number; ts: number }> {
  const ack = await client.emitWithAck<MessageAck>(ClientEvent.Message, { id, box });
  if (!ack.ok) throw new Error(`message refused: ${JSON.stringify(ack)}`);
  return { id, seq: ack.seq, ts: ack.ts };
}

/** The next `count` messages `client` receives, in arrival order. */
export async function nextMessages(client: ChatClient, count: number): Promise<RelayedMessage[]> {
  const received: RelayedMessage[] = [];
  for (let n = 0; n < count; n++) received.push(await client.next<RelayedMessage>(ServerEvent.Message, () => true, 10_000));
  return received;
}

/** Connects as `session` to `node` with `resume` in the handshake (docs/protocol.md §5.1) and takes the `presence` that follows. */
export async function connectResuming(node: ServerProcess, session: Session, resume: number): Promise<{ client: ChatClient; presence: PresenceEvent }> {
  const client = chatFor(node, session, { auth: { token: session.token, resume } });
  await client.connect();
  return { client, presence: await client.next<PresenceEvent>(ServerEvent.Presence) };
}
