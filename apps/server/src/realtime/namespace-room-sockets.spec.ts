import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Namespace, type Socket as ServerSocket } from 'socket.io';
import { io, type Socket } from 'socket.io-client';
import type { RelayedMessage } from '@ciphernest/protocol';
import type { Replay } from '../membership/application/ports/message-replay';
import { NamespaceRoomSockets } from './namespace-room-sockets';
import { socketRooms } from './socket-rooms';

// NamespaceRoomSockets over a real Socket.IO server and real clients: the broadcast of a room's
// messages, and the resume of docs/protocol.md §5.1 (live messages kept back while a replay is
// read, then the replay, then the live stream with nothing twice and nothing out of order).

const ROOM = 'room-key';

function message(seq: number): RelayedMessage {
  return { id: `message-id-${String(seq).padStart(8, '0')}`, from: 'alice', ts: 1_700_000_000_000 + seq, seq, box: new Uint8Array([seq]) };
}

/** A connected client, what it got in order (`message <seq>`, `missed <from>-<to>`), and its socket on the server. */
interface Member {
  client: Socket;
  socket: ServerSocket;
  got: string[];
}

describe('NamespaceRoomSockets', () => {
  let http: HttpServer;
  let namespace: Namespace;
  let sockets: NamespaceRoomSockets;
  let url: string;
  const clients: Socket[] = [];

  beforeEach(async () => {
    http = createServer();
    namespace = new Server(http).of('/chat');
    sockets = new NamespaceRoomSockets();
    sockets.bind(namespace);
    await new Promise<void>((listening) => http.listen(0, '127.0.0.1', listening));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/chat`;
  });

  afterEach(async () => {
    clients.splice(0).forEach((client) => client.disconnect());
    await namespace.server.close();
  });

  async function connect(roomKey = ROOM, join = true): Promise<Member> {
    const arrived = new Promise<ServerSocket>((resolve) => namespace.once('connection', resolve));
    const client = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
    clients.push(client);
    const got: string[] = [];
    client.on('message', (relayed: RelayedMessage) => got.push(`message ${relayed.seq}`));
    client.on('missed', ({ from, to }: { from: number; to: number }) => got.push(`missed ${from}-${to}`));
    const socket = await arrived;
    if (join) await socket.join(socketRooms.ofRoom(roomKey));
    return { client, socket, got };
  }

  /** Resolves once `member` got `entry` (everything the server emitted to it before has arrived too). */
  async function receives(member: Member, entry: string): Promise<void> {
    for (let waited = 0; !member.got.includes(entry); waited += 5) {
      if (waited > 5_000) throw new Error(`never got "${entry}"; got ${JSON.stringify(member.got)}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  function resuming(): number {
    return (sockets as unknown as { resuming: Map<string, unknown> }).resuming.size;
  }

  it("relays to every socket of the room but the sender's, and to no other room", async () => {
    const [alice, bob, stranger] = [await connect(), await connect(), await connect('other-room')];
    sockets.relay(ROOM, alice.socket.id, message(1));
    sockets.relay('other-room', stranger.socket.id, message(9));
    sockets.relay(ROOM, bob.socket.id, message(2));
    await receives(bob, 'message 1');
    await receives(alice, 'message 2');

    expect(alice.got).toEqual(['message 2']);
    expect(bob.got).toEqual(['message 1']);
    expect(stranger.got).toEqual([]);
  });

  it('keeps live messages back from a resuming socket, then sends missed, the replay and what was kept above it, each once and in order', async () => {
    const alice = await connect();
    const bob = await connect(ROOM, false);
    sockets.holdBack(ROOM, bob.socket.id);
    await bob.socket.join(socketRooms.ofRoom(ROOM));
    sockets.relay(ROOM, alice.socket.id, message(3));
    sockets.relay(ROOM, alice.socket.id, message(4));
    const replay: Replay = { missed: { from: 1, to: 1 }, messages: [message(2), message(3)], upTo: 3 };
    sockets.resume(ROOM, bob.socket.id, replay);
    sockets.relay(ROOM, alice.socket.id, message(5));
    await receives(bob, 'message 5');

    expect(bob.got).toEqual(['missed 1-1', 'message 2', 'message 3', 'message 4', 'message 5']);
    expect(resuming()).toBe(0);
  });

  it('after a replay, skips the live messages up to its upTo that arrive late, and sends the first above', async () => {
    const alice = await connect();
    const bob = await connect(ROOM, false);
    sockets.holdBack(ROOM, bob.socket.id);
    await bob.socket.join(socketRooms.ofRoom(ROOM));
    sockets.resume(ROOM, bob.socket.id, { messages: [message(4), message(5)], upTo: 5 });
    sockets.relay(ROOM, alice.socket.id, message(5));
    expect(resuming()).toBe(1);
    sockets.relay(ROOM, alice.socket.id, message(6));
    sockets.relay(ROOM, alice.socket.id, message(7));
    await receives(bob, 'message 7');

    expect(bob.got).toEqual(['message 4', 'message 5', 'message 6', 'message 7']);
    expect(resuming()).toBe(0);
  });

  it('never sends a resuming socket its own message', async () => {
    const alice = await connect();
    const bob = await connect(ROOM, false);
    sockets.holdBack(ROOM, bob.socket.id);
    await bob.socket.join(socketRooms.ofRoom(ROOM));
    sockets.resume(ROOM, bob.socket.id, { messages: [], upTo: 1 });
    sockets.relay(ROOM, bob.socket.id, message(2));
    sockets.relay(ROOM, alice.socket.id, message(3));
    await receives(bob, 'message 3');

    expect(bob.got).toEqual(['message 3']);
    expect(alice.got).toEqual(['message 2']);
  });

  it('drops what it kept back when there is no replay (the room is gone), and then relays as to any socket', async () => {
    const alice = await connect();
    const bob = await connect(ROOM, false);
    sockets.holdBack(ROOM, bob.socket.id);
    await bob.socket.join(socketRooms.ofRoom(ROOM));
    sockets.relay(ROOM, alice.socket.id, message(1));
    sockets.resume(ROOM, bob.socket.id, undefined);
    sockets.relay(ROOM, alice.socket.id, message(2));
    await receives(bob, 'message 2');

    expect(bob.got).toEqual(['message 2']);
    expect(resuming()).toBe(0);
  });

  it('forgets a resuming socket that leaves the room, and keeps the others it is resuming apart', async () => {
    const alice = await connect();
    const bob = await connect(ROOM, false);
    const carol = await connect(ROOM, false);
    for (const member of [bob, carol]) {
      sockets.holdBack(ROOM, member.socket.id);
      await member.socket.join(socketRooms.ofRoom(ROOM));
    }
    bob.socket.disconnect(true);
    sockets.relay(ROOM, alice.socket.id, message(1));
    sockets.resume(ROOM, carol.socket.id, { messages: [], upTo: 0 });
    await receives(carol, 'message 1');

    expect(carol.got).toEqual(['message 1']);
    expect(resuming()).toBe(0);
  });
});
