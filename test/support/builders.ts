import { randomBytes } from 'node:crypto';
import {
  apiPaths,
  DEFAULT_KDF_PARAMS,
  HTTP_STATUS,
  KDF_LIMITS,
  ServerEvent,
  type ErrorCode,
  type Kdf,
  type Member,
  type PresenceEvent,
  type SessionGrant,
} from '@ciphernest/protocol';
import { ChatClient, type ChatClientOptions } from './chat-client';
import { HttpClient, type HttpRequest, type HttpResponse } from './http-client';
import type { ServerProcess } from './server-process';

// ---- addresses and names ----

let addressCounter = 0;
/** Addresses never handed out: the server's own and the test proxy. */
export const PROXY_ADDRESS = '127.0.0.9';
const RESERVED = new Set(['127.0.0.1', PROXY_ADDRESS]);

/** A loopback address no other test of this file has used, so per-address limits never interfere. */
export function nextAddress(): string {
  for (;;) {
    addressCounter += 1;
    const n = addressCounter + 1;
    const address = `127.0.${Math.floor(n / 250)}.${(n % 250) + 2}`;
    if (!RESERVED.has(address)) return address;
  }
}

let nameCounter = 0;
/** A room name unique within this process, valid under docs/protocol.md §1. */
export function uniqueRoomName(prefix = 'room'): string {
  nameCounter += 1;
  return `${prefix} ${process.pid}-${nameCounter}-${randomBytes(3).toString('hex')}`;
}

// ---- wire values ----

export function b64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

/** A random verifier of the right shape (b64url of 32 bytes, 43 chars). */
export function randomVerifier(): string {
  return b64url(randomBytes(32));
}

/** Acceptable kdf parameters with a fresh salt (the cheapest the protocol allows). */
export function randomKdf(overrides: Partial<Kdf> = {}): Kdf {
  return { ...DEFAULT_KDF_PARAMS, m: KDF_LIMITS.memoryKiB.min, t: KDF_LIMITS.iterations.min, salt: b64url(randomBytes(16)), ...overrides };
}

/** A message id as clients pick them (22 chars of b64url). */
export function newId(): string {
  return b64url(randomBytes(16));
}

/** A random "sealed box" of `bytes` bytes: the server cannot tell it from real ciphertext. */
export function randomBox(bytes = 64): Buffer {
  return randomBytes(bytes);
}

// ---- HTTP API ----

export function http(server: ServerProcess, from?: string, headers?: Record<string, string>): HttpClient {
  return new HttpClient(server.url, { from, headers });
}

type Extra = Omit<HttpRequest, 'path' | 'method' | 'json'>;

export function postRoom(server: ServerProcess, body: unknown, options: Extra = {}): Promise<HttpResponse> {
  return http(server).post(apiPaths.rooms(), body, { from: nextAddress(), ...options });
}

export function postSession(server: ServerProcess, room: string, body: unknown, options: Extra = {}): Promise<HttpResponse> {
  return http(server).post(apiPaths.sessions(room), body, { from: nextAddress(), ...options });
}

export function getKdf(server: ServerProcess, room: string, options: Extra = {}): Promise<HttpResponse> {
  return http(server).get(apiPaths.kdf(room), { from: nextAddress(), ...options });
}

export function getExists(server: ServerProcess, room: string, options: Extra = {}): Promise<HttpResponse> {
  return http(server).get(apiPaths.exists(room), { from: nextAddress(), ...options });
}

export function getDirectory(server: ServerProcess, options: Extra = {}): Promise<HttpResponse> {
  return http(server).get(apiPaths.rooms(), { from: nextAddress(), ...options });
}

export function deleteSession(server: ServerProcess, token: string | undefined, options: Extra = {}): Promise<HttpResponse> {
  return http(server).delete(apiPaths.session(), { token, ...options });
}

/** A create or join that succeeded, with what the test needs to act as that member. */
export interface Session {
  room: string;
  username: string;
  token: string;
  from: string;
  verifier: string;
  kdf: Kdf;
  grant: SessionGrant;
  /** Extra headers this member always sends (e.g. X-Forwarded-For through the proxy). */
  headers?: Record<string, string>;
}

export interface CreateOptions {
  room?: string;
  username?: string;
  from?: string;
  verifier?: string;
  kdf?: Kdf;
  headers?: Record<string, string>;
}

function describeFailure(what: string, res: HttpResponse): Error {
  return new Error(`${what} answered ${res.status}: ${res.text}`);
}

/** Creates a room (expects 201). */
export async function createRoom(server: ServerProcess, options: CreateOptions = {}): Promise<Session> {
  const room = options.room ?? uniqueRoomName();
  const username = options.username ?? 'alice';
  const from = options.from ?? nextAddress();
  const verifier = options.verifier ?? randomVerifier();
  const kdf = options.kdf ?? randomKdf();
  const res = await postRoom(server, { room, username, verifier, kdf }, { from, headers: options.headers });
  if (res.status !== 201) throw describeFailure(`creating room '${room}'`, res);
  return { room, username, token: res.body.token, from, verifier, kdf, grant: res.body, headers: options.headers };
}

export interface JoinOptions {
  username?: string;
  from?: string;
  verifier?: string;
  headers?: Record<string, string>;
}

/** Joins `owner`'s room with its verifier unless told otherwise (expects 201). */
export async function joinRoom(server: ServerProcess, owner: Pick<Session, 'room' | 'verifier' | 'kdf'>, options: JoinOptions = {}): Promise<Session> {
  const username = options.username ?? 'bob';
  const from = options.from ?? nextAddress();
  const verifier = options.verifier ?? owner.verifier;
  const res = await postSession(server, owner.room, { username, verifier }, { from, headers: options.headers });
  if (res.status !== 201) throw describeFailure(`joining room '${owner.room}' as '${username}'`, res);
  return { room: owner.room, username, token: res.body.token, from, verifier, kdf: owner.kdf, grant: res.body, headers: options.headers };
}

// ---- real-time ----

/** A chat client acting as `session` (same token, same address, same headers), not yet connected. */
export function chatFor(server: ServerProcess, session: Session, options: ChatClientOptions = {}): ChatClient {
  return new ChatClient(server.url, { token: session.token, from: session.from, headers: session.headers, ...options });
}

/** Connects as `session` and takes the `presence` that follows. */
export async function connectAs(server: ServerProcess, session: Session): Promise<{ client: ChatClient; presence: PresenceEvent }> {
  const client = chatFor(server, session);
  await client.connect();
  const presence = await client.next<PresenceEvent>(ServerEvent.Presence);
  return { client, presence };
}

export interface RoomSetUp {
  room: string;
  sessions: Session[];
  clients: ChatClient[];
}

/**
 * Creates a room with `usernames[0]` as creator, joins the others, and connects them in order,
 * taking each `presence` and the `member joined` every earlier member gets, so the tests start clean.
 */
export async function setUpRoom(server: ServerProcess, usernames: string[], options: { room?: string } = {}): Promise<RoomSetUp> {
  const [creator, ...others] = usernames;
  const first = await createRoom(server, { room: options.room, username: creator });
  const sessions = [first];
  for (const username of others) sessions.push(await joinRoom(server, first, { username }));
  const clients: ChatClient[] = [];
  for (const session of sessions) {
    const { client } = await connectAs(server, session);
    for (const earlier of clients) {
      await earlier.next(ServerEvent.Member, (event: { type: string; name: string }) => event.type === 'joined' && event.name === session.username);
    }
    clients.push(client);
  }
  return { room: first.room, sessions, clients };
}

// ---- assertions ----

const ERROR_BODY_FIELDS = ['statusCode', 'code', 'message', 'details', 'requestId'];

/** A request id as the server keeps or makes it (apps/server/src/logging/request-id.ts). */
export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** A stack trace or source location anywhere in a body. */
const STACK_TRACE = /(\n\s+at\s)|(\bat\s+\S+\s+\(.*:\d+:\d+\))|(\.(ts|js):\d+)|node_modules|\/dist\//;

function findKey(value: unknown, key: string): boolean {
  if (!value || typeof value !== 'object') return false;
  if (Object.prototype.hasOwnProperty.call(value, key)) return true;
  return Object.values(value as Record<string, unknown>).some((inner) => findKey(inner, key));
}

/**
 * The error body of docs/protocol.md §4, with the status that goes with `code`, no stack trace,
 * and the request's id: the same in the body (`requestId`) as in the `X-Request-ID` header.
 */
export function expectError(res: HttpResponse, code: ErrorCode): void {
  const status = HTTP_STATUS[code];
  expect({ status: res.status, body: res.body }).toEqual({
    status,
    body: expect.objectContaining({ statusCode: status, code, message: expect.any(String) }),
  });
  expect((res.body as { requestId?: unknown }).requestId).toMatch(REQUEST_ID_PATTERN);
  expect(res.headers['x-request-id']).toBe((res.body as { requestId: string }).requestId);
  expect(Object.keys(res.body).filter((field) => !ERROR_BODY_FIELDS.includes(field))).toEqual([]);
  expect((res.body as { message: string }).message.length).toBeGreaterThan(0);
  expect(findKey(res.body, 'stack')).toBe(false);
  expect(res.text).not.toMatch(STACK_TRACE);
}

/** A Member as docs/protocol.md §4 shapes it. */
export function member(name: string, status: Member['status'], creator = false): Member {
  return { name, status, creator };
}

/** Members sorted by name, for order-free comparison. */
export function byName(members: Member[]): Member[] {
  return [...members].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
