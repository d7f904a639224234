import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiPaths, type Kdf, type SessionGrant } from '@ciphernest/protocol';
import { randomKdf, randomVerifier, uniqueRoomName } from '../../support/builders';
import type { HttpResponse } from '../../support/http-client';
import { ServerProcess, type ServerEnv } from '../../support/server-process';
import { freePort, NginxProxy } from './nginx-proxy';
import { SecureMember } from './secure-member';
import { generateCertificate, type Certificate } from './tls-certificate';
import { fetchVia, type WebRequest } from './web-request';

/** nginx connects to the app from here: the only address the app trusts (TRUST_PROXY). */
export const PROXY_SOURCE = '127.0.0.1';

/** The built app behind the project's nginx, with a fresh certificate: what an admin deploys. */
export interface ProxiedStack {
  app: ServerProcess;
  proxy: NginxProxy;
  certificate: Certificate;
  /** The public origin, e.g. https://127.0.0.1:43117. */
  origin: string;
  dispose(): Promise<void>;
}

/**
 * Starts the app with TRUST_PROXY naming nginx's source address only and PUBLIC_ORIGIN and
 * ALLOWED_ORIGINS the public https origin (as docker/compose.yaml does), then nginx in front of it. Retries with other ports should one be taken
 * between choosing and binding it.
 */
export async function startStack(env: ServerEnv = {}): Promise<ProxiedStack> {
  const certDir = mkdtempSync(join(tmpdir(), 'ciphernest-cert-'));
  const certificate = generateCertificate(certDir);
  for (let attempt = 1; ; attempt += 1) {
    const [httpPort, httpsPort] = [await freePort(), await freePort()];
    const origin = NginxProxy.originFor(httpsPort);
    const app = await ServerProcess.start({ TRUST_PROXY: `${PROXY_SOURCE}/32`, PUBLIC_ORIGIN: origin, ALLOWED_ORIGINS: origin, ...env });
    try {
      const proxy = await NginxProxy.start({ upstreamPort: app.port, certificate, httpPort, httpsPort });
      return {
        app,
        proxy,
        certificate,
        origin,
        async dispose() {
          await proxy.dispose();
          await app.kill();
          rmSync(certDir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      await app.kill();
      if (attempt >= 3 || !/Address already in use|did not listen/.test(String(error))) {
        rmSync(certDir, { recursive: true, force: true });
        throw error;
      }
    }
  }
}

/** One stack for the enclosing describe block. */
export function useStack(env: ServerEnv = {}): () => ProxiedStack {
  let stack: ProxiedStack | undefined;
  beforeAll(async () => {
    stack = await startStack(env);
  }, 30_000);
  afterAll(async () => {
    await stack?.dispose();
  });
  return () => {
    if (!stack) throw new Error('the stack of this block has not started');
    return stack;
  };
}

/** A request to the public origin, trusting the local CA; a browser's Origin header unless told otherwise. */
export function viaProxy<T = any>(stack: ProxiedStack, path: string, options: WebRequest = {}): Promise<HttpResponse<T>> {
  return fetchVia<T>(`${stack.origin}${path}`, { ca: stack.certificate.ca, ...options, headers: { Origin: stack.origin, ...options.headers } });
}

export interface ProxiedSession {
  room: string;
  username: string;
  token: string;
  from: string;
  verifier: string;
  grant: SessionGrant;
}

export interface CreateViaOptions {
  room?: string;
  username?: string;
  verifier?: string;
  kdf?: Kdf;
  headers?: Record<string, string>;
}

/** Creates a room through the proxy from `from` (expects 201). */
export async function createVia(stack: ProxiedStack, from: string, options: CreateViaOptions = {}): Promise<ProxiedSession> {
  const room = options.room ?? uniqueRoomName();
  const username = options.username ?? 'alice';
  const verifier = options.verifier ?? randomVerifier();
  const res = await viaProxy(stack, apiPaths.rooms(), { from, json: { room, username, verifier, kdf: options.kdf ?? randomKdf() }, headers: options.headers });
  if (res.status !== 201) throw new Error(`creating '${room}' through the proxy answered ${res.status}: ${res.text}`);
  return { room, username, token: res.body.token, from, verifier, grant: res.body };
}

/** Joins `owner`'s room through the proxy from `from` (expects 201). */
export async function joinVia(stack: ProxiedStack, owner: ProxiedSession, from: string, username = 'bob'): Promise<ProxiedSession> {
  const res = await viaProxy(stack, apiPaths.sessions(owner.room), { from, json: { username, verifier: owner.verifier } });
  if (res.status !== 201) throw new Error(`joining '${owner.room}' through the proxy answered ${res.status}: ${res.text}`);
  return { room: owner.room, username, token: res.body.token, from, verifier: owner.verifier, grant: res.body };
}

/** A member for `session` over wss:// through the proxy (not yet connected). */
export function memberVia(stack: ProxiedStack, session: ProxiedSession, options: Partial<ConstructorParameters<typeof SecureMember>[0]> = {}): SecureMember {
  return new SecureMember({ url: stack.origin, ca: stack.certificate.ca, token: session.token, name: session.username, from: session.from, ...options });
}

/** A room of two or more members, all connected through the proxy, each having seen the others arrive. */
export async function roomVia(stack: ProxiedStack, addresses: string[], names: string[]): Promise<{ sessions: ProxiedSession[]; members: SecureMember[] }> {
  const owner = await createVia(stack, addresses[0]!, { username: names[0] });
  const sessions = [owner];
  for (let index = 1; index < names.length; index += 1) sessions.push(await joinVia(stack, owner, addresses[index]!, names[index]));
  const members: SecureMember[] = [];
  for (const session of sessions) {
    const member = memberVia(stack, session);
    await member.connect();
    members.push(member);
  }
  for (const member of members) {
    await member.until(() => names.every((name) => name === member.name || member.peersOnline.has(name)), 5_000, 'every peer online');
  }
  return { sessions, members };
}
