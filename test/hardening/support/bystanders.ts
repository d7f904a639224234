import { ClientEvent, ServerEvent, type MessageAck, type RelayedMessage } from '@ciphernest/protocol';
import { newId, randomBox, setUpRoom } from '../../support/builders';
import { delay, type ChatClient } from '../../support/chat-client';
import { useServer, type ServerEnv, type ServerProcess } from '../../support/server-process';
import { expectAlive, expectNoServerErrors, markLog, type LogMark } from './server-health';

interface Sent {
  id: string;
  from: string;
  seq: number;
  ts: number;
  box: Buffer;
}

interface Received {
  id: string;
  from: string;
  seq: number;
  ts: number;
  box: Buffer;
}

/**
 * A room of members that keep chatting while a test does something else to the server. At the
 * end every member must have received every acknowledged message of the others exactly once,
 * in seq order, unchanged, and every member must still be connected: whatever the test did
 * had no effect on this room.
 */
export class Bystanders {
  private readonly sent: Sent[] = [];
  private readonly received = new Map<string, Received[]>();
  private readonly failures: string[] = [];
  private running = true;
  private loop: Promise<void> = Promise.resolve();

  private constructor(
    readonly room: string,
    readonly names: string[],
    readonly clients: ChatClient[],
  ) {
    clients.forEach((client, index) => {
      const name = names[index]!;
      this.received.set(name, []);
      client.socket.on(ServerEvent.Message, (message: RelayedMessage) => {
        this.received.get(name)!.push({ ...message, box: Buffer.from(message.box as Uint8Array) });
      });
      client.socket.on('disconnect', (reason: string) => {
        if (this.running) this.failures.push(`${name} was disconnected (${reason})`);
      });
    });
  }

  /** Sets up a room of `count` members and starts one message every `everyMs` ms, round robin. */
  static async start(server: ServerProcess, options: { count?: number; everyMs?: number; room?: string } = {}): Promise<Bystanders> {
    const names = Array.from({ length: options.count ?? 3 }, (_, index) => `bystander${index + 1}`);
    const { room, clients } = await setUpRoom(server, names, { room: options.room });
    const bystanders = new Bystanders(room, names, clients);
    bystanders.loop = bystanders.chat(options.everyMs ?? 50);
    return bystanders;
  }

  get messagesAcknowledged(): number {
    return this.sent.length;
  }

  /** Fails fast (between cases) if a member was disconnected or a message was refused so far. */
  expectHealthy(): void {
    expect(this.failures).toEqual([]);
    expect(this.clients.map((client) => client.connected)).toEqual(this.clients.map(() => true));
  }

  /** Waits until at least `count` more messages were acknowledged (the room is demonstrably alive). */
  async waitForProgress(count = 3, timeoutMs = 10_000): Promise<void> {
    if (!this.running) return;
    const target = this.sent.length + count;
    const deadline = Date.now() + timeoutMs;
    while (this.sent.length < target) {
      if (Date.now() > deadline) throw new Error(`the bystander room made no progress: ${this.sent.length}/${target}; ${this.failures.join('; ')}`);
      if (this.failures.length > 0) throw new Error(`the bystander room failed: ${this.failures.join('; ')}`);
      await delay(20);
    }
  }

  /** Stops chatting and disconnects everyone, without checking anything (cleanup). */
  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    for (const client of this.clients) client.disconnect();
  }

  /** Stops chatting, waits for the last relays, and checks exactly-once, in-order, unchanged delivery to every member. */
  async stopAndVerify(timeoutMs = 10_000): Promise<{ messages: number }> {
    this.running = false;
    await this.loop;
    const deadline = Date.now() + timeoutMs;
    const missing = (): string[] =>
      this.names.flatMap((name) => {
        const got = new Set(this.received.get(name)!.map((message) => message.id));
        return this.sent.filter((message) => message.from !== name && !got.has(message.id)).map((message) => `${name} lacks seq ${message.seq}`);
      });
    while (missing().length > 0 && Date.now() < deadline) await delay(20);
    expect(this.failures).toEqual([]);
    expect(missing()).toEqual([]);
    const byId = new Map(this.sent.map((message) => [message.id, message]));
    for (const name of this.names) {
      const got = this.received.get(name)!;
      const seqs = got.map((message) => message.seq);
      expect({ name, inOrder: seqs.every((seq, index) => index === 0 || seq > seqs[index - 1]!) }).toEqual({ name, inOrder: true });
      expect({ name, duplicates: seqs.length - new Set(seqs).size }).toEqual({ name, duplicates: 0 });
      for (const message of got) {
        const original = byId.get(message.id);
        expect({ name, id: message.id, known: original !== undefined, ownEcho: message.from === name }).toEqual({ name, id: message.id, known: true, ownEcho: false });
        expect({ from: message.from, seq: message.seq, ts: message.ts, same: message.box.equals(original!.box) }).toEqual({
          from: original!.from,
          seq: original!.seq,
          ts: original!.ts,
          same: true,
        });
      }
    }
    expect(this.clients.map((client) => client.connected)).toEqual(this.clients.map(() => true));
    return { messages: this.sent.length };
  }

  private async chat(everyMs: number): Promise<void> {
    let turn = 0;
    while (this.running) {
      const index = turn % this.clients.length;
      turn += 1;
      const client = this.clients[index]!;
      const name = this.names[index]!;
      const id = newId();
      const box = randomBox(64 + (turn % 200));
      try {
        const ack = await client.emitWithAckWithin<MessageAck>(5_000, ClientEvent.Message, { id, box });
        if (ack.ok) this.sent.push({ id, from: name, seq: ack.seq, ts: ack.ts, box });
        else this.failures.push(`${name}'s message was refused: ${ack.error.code}`);
      } catch (error) {
        if (this.running) this.failures.push(`${name}: ${(error as Error).message}`);
      }
      await delay(everyMs);
    }
  }
}

/**
 * One server for a describe block of hostile cases, with a bystander room chatting beside them.
 * After every case (and its own `cleanUp`): the process is alive and healthy, it logged no
 * error, and the bystander room chats on.
 */
export function useWatchedServer(env: ServerEnv, cleanUp: () => void = () => undefined): { server: () => ServerProcess; bystanders: () => Bystanders } {
  const server = useServer(env);
  let bystanders: Bystanders | undefined;
  let mark: LogMark;

  beforeAll(async () => {
    bystanders = await Bystanders.start(server());
  });

  beforeEach(() => {
    mark = markLog(server());
  });

  afterEach(async () => {
    cleanUp();
    await expectAlive(server());
    await bystanders!.waitForProgress(1);
    bystanders!.expectHealthy();
    expectNoServerErrors(server(), mark);
  });

  afterAll(async () => {
    await bystanders?.stop();
  });

  return {
    server,
    bystanders: () => {
      if (!bystanders) throw new Error('the bystanders of this block have not started');
      return bystanders;
    },
  };
}
