import { Injectable } from '@angular/core';
import {
  apiPaths,
  isObject,
  type CreateRoomRequest,
  type JoinRoomRequest,
  type Kdf,
  type KdfResponse,
  type RoomDirectory,
  type RoomExistsResponse,
  type SessionGrant,
} from '@ciphernest/protocol';
import { ApiProblem, isErrorCode, type ProblemCode } from './api-problem';

/** Where `npm run build:web` writes the build digest, beside index.html. */
export const BUILD_INFO_PATH = '/build-info.json';

/** A request that gets no answer in this time fails as 'NETWORK' rather than spinning forever. */
const REQUEST_TIMEOUT_MS = 20_000;

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The build digest the home page footer shows. */
export interface BuildInfo {
  digest: string;
}

interface Answer {
  status: number;
  body: unknown;
}

/** Seconds from a `Retry-After` header: delta-seconds or an HTTP date. */
function retryAfterSeconds(header: string | null): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

/** The code for an error answer that does not carry CipherNest's error body (a proxy's page, say). */
function codeForBareStatus(status: number): ProblemCode {
  switch (status) {
    case 400:
      return 'VALIDATION_FAILED';
    case 404:
      return 'NOT_FOUND';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 429:
      return 'RATE_LIMITED';
    case 502:
    case 503:
    case 504:
      // A proxy in front of the app answers these when the app itself is unreachable.
      return 'NETWORK';
    default:
      return 'INTERNAL';
  }
}

/** What a request id may look like (the server's own rule); anything else is not shown. */
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The answer's request id: the error body's `requestId`, else the `X-Request-ID` header (a proxy's own answer). */
function requestIdOf(response: Response, body: unknown): string | undefined {
  const candidates = [isObject(body) ? body['requestId'] : undefined, response.headers.get('X-Request-ID')];
  return candidates.find((value): value is string => typeof value === 'string' && REQUEST_ID.test(value));
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isSessionGrant(body: unknown): body is SessionGrant {
  return isObject(body) && typeof body['token'] === 'string' && isObject(body['room']) && Array.isArray(body['members']);
}

function malformed(status: number): ApiProblem {
  return new ApiProblem('INTERNAL', status, 'The server answered with an unexpected body.');
}

/**
 * The HTTP API of docs/protocol.md §4, as Promises over `fetch`, with same-origin relative URLs
 * from `apiPaths`.
 *
 * Every failure rejects with an {@link ApiProblem}: the server's `{ statusCode, code, message, requestId }`
 * becomes its code, status, message and request id (`Retry-After` becomes `retryAfterSeconds`); no
 * answer at all (offline, timeout) or a proxy's 502-504 becomes 'NETWORK'.
 *
 * Security: request bodies carry the verifier, never the password; the session token goes only
 * in the `Authorization` header of {@link endSession}. Nothing here logs.
 */
@Injectable({ providedIn: 'root' })
export class ApiClient {
  /** `POST /api/rooms`. Errors: VALIDATION_FAILED, ROOM_EXISTS, RATE_LIMITED, CAPACITY. */
  async createRoom(request: CreateRoomRequest): Promise<SessionGrant> {
    const answer = await this.send('POST', apiPaths.rooms(), { body: request });
    if (!isSessionGrant(answer.body)) throw malformed(answer.status);
    return answer.body;
  }

  /**
   * `GET /api/rooms/:room/kdf`: the room's key-derivation parameters. Rejects with
   * ApiProblem ROOM_NOT_FOUND when no room has this name (the name is free).
   */
  async lookupKdf(room: string): Promise<Kdf> {
    const answer = await this.send('GET', apiPaths.kdf(room));
    const body = answer.body as Partial<KdfResponse> | undefined;
    if (!isObject(body) || !isObject(body.kdf)) throw malformed(answer.status);
    return body.kdf as Kdf;
  }

  /**
   * `GET /api/rooms/:room/exists`: whether the kdf look-up would find the room. Answered 200
   * either way, so checking a name leaves no failed request in the console. Errors:
   * VALIDATION_FAILED, RATE_LIMITED (it counts toward the look-up limit).
   */
  async roomExists(room: string): Promise<boolean> {
    const answer = await this.send('GET', apiPaths.exists(room));
    const body = answer.body as Partial<RoomExistsResponse> | undefined;
    if (!isObject(body) || typeof body.exists !== 'boolean') throw malformed(answer.status);
    return body.exists;
  }

  /**
   * `POST /api/rooms/:room/sessions`. Errors: VALIDATION_FAILED, BAD_CREDENTIALS (its details
   * read by `triesLeft`), ROOM_NOT_FOUND, USERNAME_TAKEN, ROOM_FULL, RATE_LIMITED.
   */
  async joinRoom(room: string, request: JoinRoomRequest): Promise<SessionGrant> {
    const answer = await this.send('POST', apiPaths.sessions(room), { body: request });
    if (!isSessionGrant(answer.body)) throw malformed(answer.status);
    return answer.body;
  }

  /** `DELETE /api/session`. Errors: TOKEN_INVALID, SESSION_NOT_FOUND (already ended), IP_MISMATCH. */
  async endSession(token: string): Promise<void> {
    await this.send('DELETE', apiPaths.session(), { headers: { Authorization: `Bearer ${token}` } });
  }

  /** `GET /api/rooms`: the room directory, or undefined when the server keeps it off (404). */
  async listRooms(): Promise<RoomDirectory | undefined> {
    let answer: Answer;
    try {
      answer = await this.send('GET', apiPaths.rooms());
    } catch (error) {
      if (error instanceof ApiProblem && error.status === 404) return undefined;
      throw error;
    }
    const body = answer.body;
    if (!isObject(body) || !Array.isArray(body['rooms'])) throw malformed(answer.status);
    return body as unknown as RoomDirectory;
  }

  /**
   * `GET /build-info.json`: the digest of the served build, or undefined when the file is
   * absent or is not a build-info file (a development server answers with index.html).
   */
  async buildInfo(): Promise<BuildInfo | undefined> {
    let answer: Answer;
    try {
      answer = await this.send('GET', BUILD_INFO_PATH);
    } catch (error) {
      if (error instanceof ApiProblem && error.code !== 'NETWORK') return undefined;
      throw error;
    }
    const digest = isObject(answer.body) ? answer.body['digest'] : undefined;
    return typeof digest === 'string' && SHA256_HEX.test(digest) ? { digest } : undefined;
  }

  private async send(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
    const init: RequestInit = { method, headers, credentials: 'same-origin', cache: 'no-store' };
    if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(options.body);
    }
    if (typeof AbortSignal.timeout === 'function') init.signal = AbortSignal.timeout(REQUEST_TIMEOUT_MS);

    let response: Response;
    let body: unknown;
    try {
      response = await globalThis.fetch(path, init);
      body = await readJson(response);
    } catch {
      throw new ApiProblem('NETWORK', 0, `${method} ${path}: no answer from the server`);
    }
    if (response.ok) return { status: response.status, body };

    const retryAfter = retryAfterSeconds(response.headers.get('Retry-After'));
    const requestId = requestIdOf(response, body);
    if (isObject(body) && isErrorCode(body['code'])) {
      const message = typeof body['message'] === 'string' ? body['message'] : `${method} ${path}: ${body['code']}`;
      throw new ApiProblem(body['code'], response.status, message, retryAfter, requestId, body['details']);
    }
    throw new ApiProblem(codeForBareStatus(response.status), response.status, `${method} ${path}: HTTP ${response.status}`, retryAfter, requestId);
  }
}
