import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../support/server-process';

export const GENERATE_CERT_SCRIPT = join(REPO_ROOT, 'docker', 'scripts', 'generate-cert.sh');

export interface Certificate {
  dir: string;
  /** The local CA that signed the server certificate: what clients trust. */
  ca: Buffer;
  certPath: string;
  keyPath: string;
}

/** A fresh local CA and server certificate for `names`, made by the project's own script. */
export function generateCertificate(dir: string, names: string[] = ['127.0.0.1', 'localhost']): Certificate {
  execFileSync('bash', [GENERATE_CERT_SCRIPT, dir, ...names], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CERT_DAYS: '2' } });
  return { dir, ca: readFileSync(join(dir, 'ca.pem')), certPath: join(dir, 'cert.pem'), keyPath: join(dir, 'key.pem') };
}
