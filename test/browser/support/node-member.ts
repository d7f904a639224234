import { E2eRoom, newMessageId, type E2eEvent, type Outgoing, type OutgoingContent } from '@ciphernest/crypto';
import { ClientEvent, ServerEvent, type MemberEvent, type PresenceEvent, type RelayedMessage } from '@ciphernest/protocol';
import { chatFor, type Session } from '../../support/builders';
import type { ChatClient } from '../../support/chat-client';
import type { ServerProcess } from '../../support/server-process';
import { eventually } from './eventually';

/** What a member derives from the password (docs/protocol.md §2): the room key of §1 and encKey. */
export interface RoomSecrets {
  roomKey: string;
  encKey: CryptoKey;
}

/**
 * A member of a room driven from Node as the web app drives the browser: libs/crypto's E2eRoom
 * (docs/protocol.md §3.1) over a Socket.IO client of the session. It follows `presence` and
 * `member` events, opens every relayed box, flushes once it has dealt with all that came (so a
 * burst costs one flush), and sends its layer's boxes and its texts in order, each after the
 * previous one's ack. Tests use it as a party the browser must read and be read by, and as a
 * member who holds the password and crafts what the app must refuse.
 */
export class NodeMember {
  /** What its layer made of every relayed box, in order. */
  readonly events: E2eEvent[] = [];
  /** Every message relayed to it, exactly as relayed. */
  readonly relayed: RelayedMessage[] = [];
  /** Everything it sent, in order: `{ id, kind, box }`. */
  readonly sent: Outgoing[] = [];
  private work: Promise<unknown>;
  private queued = 0;
  private layer: E2eRoom | undefined;
  private open: () => void = () => undefined;

  private constructor(
    readonly session: Session,
    readonly client: ChatClient,
    private readonly secrets: RoomSecrets,
    deferred: boolean,
  ) {
    this.work = deferred ? new Promise<void>((resolve) => (this.open = resolve)) : Promise.resolve();
  }

  /**
   * Connects `session` (a grant from the HTTP API) and resolves once the first `presence` has
   * come, which opens its layer; `deferred`, it only records what comes until {@link start} (so
   * that many members can connect before any of them works).
   */
  static async connect(server: ServerProcess, session: Session, secrets: RoomSecrets, options: { deferred?: boolean } = {}): Promise<NodeMember> {
    const member = new NodeMember(session, chatFor(server, session), secrets, options.deferred ?? false);
    const socket = member.client.socket;
    const present = new Promise<void>((resolve) =>
      socket.on(ServerEvent.Presence, (event: PresenceEvent) => {
        void member.enqueue((layer) => layer.syncMembers(event.members.map((known) => known.name)));
        resolve();
      }),
    );
    socket.on(ServerEvent.Member, (event: MemberEvent) => {
      if (event.type === 'joined') void member.enqueue((layer) => layer.memberJoined(event.name));
      if (event.type === 'left') void member.enqueue((layer) => layer.memberLeft(event.name));
    });
    socket.on(ServerEvent.Message, (message: RelayedMessage) => {
      member.relayed.push(message);
      void member.enqueue(async (layer) => {
        member.events.push(...(await layer.receive({ from: message.from, id: message.id, box: message.box as Uint8Array }, Date.now())));
      });
    });
    await member.client.connect(10_000);
    // Nothing it is asked to do may come before the layer knows who is in the room: a message
    // sealed before would be on a chain no one was given.
    await present;
    return member;
  }

  get name(): string {
    return this.session.username;
  }

  /** A deferred member starts: it deals with what came meanwhile, in order. */
  start(): void {
    this.open();
  }

  /** `leave` (docs/protocol.md §5): the session ends. */
  async leave(): Promise<void> {
    await this.client.emitWithAckWithin(10_000, ClientEvent.Leave);
  }

  /** The texts it has shown, in order, as `"<from>: <text>"`. */
  texts(): string[] {
    return this.events.flatMap((event) => (event.type === 'message' && event.message.kind === 'text' ? [`${event.from}: ${event.message.text}`] : []));
  }

  /** Sends a text (after whatever its layer has due); resolves with its id once acknowledged. */
  async say(text: string): Promise<string> {
    return this.send({ kind: 'text', text });
  }

  /** Sends any content it may seal (a message action too, docs/protocol.md §3); resolves with its id once acknowledged. */
  async send(content: OutgoingContent): Promise<string> {
    const id = newMessageId();
    await this.enqueue((layer) => layer.send(id, content, Date.now()));
    return id;
  }

  /** The id of the message from `from` that it has shown with exactly `text`, or undefined. */
  idOf(from: string, text: string): string | undefined {
    const event = this.events.find((seen) => seen.type === 'message' && seen.from === from && 'text' in seen.message && seen.message.text === text);
    return event?.id;
  }

  /** Waits until it has shown `line` (`"<from>: <text>"`). */
  async waitForText(line: string, timeout = 20_000): Promise<void> {
    await eventually(() => expect(this.texts()).toContain(line), { timeout });
  }

  /** Resolves once everything it was given to do is done. */
  async idle(): Promise<void> {
    await this.work;
  }

  /** Runs `task` with the layer after everything before it, sends what it made, then, if nothing else waits, what came due. */
  private enqueue(task: (layer: E2eRoom) => Promise<Outgoing[] | void>): Promise<void> {
    this.queued += 1;
    const done = this.work.then(async () => {
      try {
        this.layer ??= await E2eRoom.create({ roomKey: this.secrets.roomKey, username: this.name, vault: this.session.grant.vault, encKey: this.secrets.encKey });
        await this.transmit((await task(this.layer)) ?? []);
      } finally {
        this.queued -= 1;
      }
      if (this.queued === 0) await this.transmit(await this.layer.flush(Date.now()));
    });
    this.work = done.catch(() => undefined);
    return done;
  }

  private async transmit(outgoing: readonly Outgoing[]): Promise<void> {
    for (const item of outgoing) {
      const ack = await this.client.emitWithAckWithin<{ ok: boolean }>(15_000, ClientEvent.Message, { id: item.id, box: Buffer.from(item.box) });
      if (!ack.ok) throw new Error(`${this.name}'s ${item.kind} box was refused: ${JSON.stringify(ack)}`);
      this.sent.push(item);
    }
  }
}
