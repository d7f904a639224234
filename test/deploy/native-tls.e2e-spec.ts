import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newMessageId } from '@ciphernest/crypto';
import { apiPaths, ServerEvent } from '@ciphernest/protocol';
import { nextAddress, randomKdf, randomVerifier, uniqueRoomName } from '../support/builders';
import { ServerProcess } from '../support/server-process';
import { closeAllMembers, SecureMember } from './support/secure-member';
import { generateCertificate, type Certificate } from './support/tls-certificate';
import { nodeHandshake, opensslHandshake } from './support/tls-probe';
import { fetchVia } from './support/web-request';

// Native HTTPS (TLS_CERT, TLS_KEY): the server alone, no proxy, with a generated certificate.

describe('native HTTPS (TLS_CERT and TLS_KEY)', () => {
  let dir: string;
  let certificate: Certificate;
  let app: ServerProcess;
  let origin: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ciphernest-native-tls-'));
    certificate = generateCertificate(dir);
    app = await ServerProcess.start({ TLS_CERT: certificate.certPath, TLS_KEY: certificate.keyPath, DISCONNECT_GRACE_MS: '60000' });
    origin = `https://127.0.0.1:${app.port}`;
  });

  afterAll(async () => {
    closeAllMembers();
    await app?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('says so when it starts', async () => {
    expect((await app.waitForLog((record) => record.event === 'server.started'))['tls']).toBe(true);
  });

  it('answers /healthz over verified TLS, TLS 1.2 and 1.3 only', async () => {
    const res = await fetchVia(`${origin}/healthz`, { ca: certificate.ca });
    expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { status: 'ok' } });
    expect((await nodeHandshake(app.port, certificate.ca, 'TLSv1.2')).protocol).toBe('TLSv1.2');
    expect((await nodeHandshake(app.port, certificate.ca, 'TLSv1.3')).protocol).toBe('TLSv1.3');
    expect(opensslHandshake(app.port, 'tls1_1')).toMatchObject({ clientHelloSent: true, completed: false, serverAlert: 'protocol_version' });
  });

  it('relays a chat over wss:// with the same-origin default (scheme https from the socket itself)', async () => {
    const verifier = randomVerifier();
    const room = uniqueRoomName('Native');
    const [aliceFrom, bobFrom] = [nextAddress(), nextAddress()];
    const created = await fetchVia(`${origin}${apiPaths.rooms()}`, { ca: certificate.ca, from: aliceFrom, json: { room, username: 'alice', verifier, kdf: randomKdf() }, headers: { Origin: origin } });
    expect(created.status).toBe(201);
    const joined = await fetchVia(`${origin}${apiPaths.sessions(room)}`, { ca: certificate.ca, from: bobFrom, json: { username: 'bob', verifier }, headers: { Origin: origin } });
    expect(joined.status).toBe(201);
    const alice = new SecureMember({ url: origin, ca: certificate.ca, token: created.body.token, name: 'alice', from: aliceFrom });
    const bob = new SecureMember({ url: origin, ca: certificate.ca, token: joined.body.token, name: 'bob', from: bobFrom });
    await alice.connect();
    await bob.connect();
    const id = newMessageId();
    expect((await alice.send(id, Buffer.alloc(64, 7), ['bob'])).ok).toBe(true);
    await bob.until(() => bob.count(ServerEvent.Message, (message) => message.id === id) === 1, 5_000, 'the message');
  });
});
