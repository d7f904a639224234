import { spawn, spawnSync } from 'node:child_process';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import type { Certificate } from './tls-certificate';

export type LegacyVersion = 'tls1' | 'tls1_1';
export type OpensslVersion = LegacyVersion | 'tls1_2' | 'tls1_3';

/** What `openssl s_client` saw of one handshake. */
export interface HandshakeReport {
  /** The client sent its ClientHello (so it could speak the version; anything after is the server's doing). */
  clientHelloSent: boolean;
  /** The handshake finished with a cipher. */
  completed: boolean;
  /** The TLS alert the server sent, e.g. `protocol_version`. */
  serverAlert: string | undefined;
  protocol: string | undefined;
  cipher: string | undefined;
  output: string;
}

/**
 * One handshake with `openssl s_client`, offering only `version`. `DEFAULT@SECLEVEL=0` lets the
 * client offer TLS 1.0/1.1 and their SHA-1 signatures, which OpenSSL 3 refuses by default.
 */
export function opensslHandshake(port: number, version: OpensslVersion, cipher = 'DEFAULT@SECLEVEL=0'): HandshakeReport {
  const result = spawnSync('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, `-${version}`, '-cipher', cipher, '-msg'], {
    input: '',
    encoding: 'utf8',
    timeout: 10_000,
  });
  const output = `${result.stdout}${result.stderr}`;
  const negotiated = /Cipher is (\S+)/.exec(output)?.[1];
  return {
    clientHelloSent: /^>>> .*ClientHello/m.test(output),
    completed: negotiated !== undefined && negotiated !== '(NONE)',
    serverAlert: /^<<< .*Alert \[length [0-9a-f]+\], fatal (\S+)/m.exec(output)?.[1],
    // The session block (with "Protocol :") comes with TLS 1.3's session ticket, which may not
    // arrive before s_client exits; the "New, <version>, Cipher is" line always comes.
    protocol: /^\s+Protocol\s*: (\S+)/m.exec(output)?.[1] ?? /^New, (TLSv[\d.]+), Cipher is/m.exec(output)?.[1],
    cipher: negotiated,
    output,
  };
}

/**
 * A control server that speaks only `version` (openssl s_server at SECLEVEL=0), to show that the
 * client used against nginx really can speak it: a refusal by nginx is then nginx's.
 */
export async function withLegacyServer<T>(certificate: Certificate, port: number, version: LegacyVersion, body: () => T): Promise<T> {
  const server = spawn(
    'openssl',
    ['s_server', '-accept', `127.0.0.1:${port}`, '-cert', certificate.certPath, '-key', certificate.keyPath, '-cipher', 'DEFAULT@SECLEVEL=0', `-${version}`, '-www'],
    { stdio: ['pipe', 'pipe', 'pipe'] },
  );
  try {
    await new Promise<void>((resolveReady, rejectReady) => {
      let output = '';
      const timer = setTimeout(() => rejectReady(new Error(`openssl s_server did not start:\n${output}`)), 5_000);
      server.stdout.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('ACCEPT')) {
          clearTimeout(timer);
          resolveReady();
        }
      });
      server.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      server.once('exit', () => rejectReady(new Error(`openssl s_server exited:\n${output}`)));
    });
    return body();
  } finally {
    server.kill('SIGTERM');
  }
}

/** A verified TLS connection with Node, pinned to one version; resolves with what was negotiated. */
export function nodeHandshake(port: number, ca: Buffer, version: 'TLSv1.2' | 'TLSv1.3'): Promise<{ protocol: string | null; cipher: string; authorized: boolean }> {
  return new Promise((resolveHandshake, rejectHandshake) => {
    const socket: TLSSocket = tlsConnect({ host: '127.0.0.1', port, ca, minVersion: version, maxVersion: version }, () => {
      const outcome = { protocol: socket.getProtocol(), cipher: socket.getCipher().name, authorized: socket.authorized };
      socket.end();
      resolveHandshake(outcome);
    });
    socket.once('error', rejectHandshake);
  });
}
