import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/server-process';

// The image's runtime stage, rehearsed without Docker by scripts/rehearse-runtime.mjs: production
// dependencies only, installed from the lockfile; the server run as an unprivileged user that
// cannot write to its own files; /healthz and the HEALTHCHECK script answered; SIGTERM exits 0.

interface Rehearsal {
  ok: boolean;
  error?: string;
  user?: { name: string; uid: number };
  uid?: number;
  install?: { mode: string; seconds: number };
  nodeModules?: { megabytes: number; files: number };
  devDependenciesPresent?: string[];
  healthz?: { status: number; body: string };
  healthcheck?: number;
  readiness?: number;
  appFilesWritable?: boolean;
  exit?: { code: number | null; signal: string | null; milliseconds: number };
}

describe('the image runtime, rehearsed (scripts/rehearse-runtime.mjs)', () => {
  let rehearsal: Rehearsal;

  beforeAll(() => {
    const run = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'rehearse-runtime.mjs'), '--json'], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 150_000 });
    try {
      rehearsal = JSON.parse(run.stdout) as Rehearsal;
    } catch {
      throw new Error(`rehearse-runtime printed no report (status ${run.status}):\n${run.stdout}\n${run.stderr}`);
    }
  }, 160_000);

  it('succeeds', () => {
    expect({ ok: rehearsal.ok, error: rehearsal.error }).toEqual({ ok: true, error: undefined });
  });

  it('installs production dependencies only, and keeps them small', () => {
    expect(rehearsal.devDependenciesPresent).toEqual([]);
    expect(rehearsal.nodeModules?.megabytes).toBeGreaterThan(0);
    // 42 MB when this was written; a build tool slipping into "dependencies" would blow this.
    expect(rehearsal.nodeModules?.megabytes).toBeLessThan(80);
  });

  it('runs the server as an unprivileged user that cannot write to the app', () => {
    expect(rehearsal.uid).toBeGreaterThan(0);
    expect(rehearsal.uid).toBe(rehearsal.user?.uid);
    if (process.getuid?.() === 0) expect(rehearsal.user?.name).toBe('nobody');
    expect(rehearsal.appFilesWritable).toBe(false);
  });

  it("answers /healthz, the image HEALTHCHECK (livez) and compose's (readyz), and exits 0 on SIGTERM", () => {
    expect(rehearsal.healthz).toEqual({ status: 200, body: '{"status":"ok"}' });
    expect(rehearsal.healthcheck).toBe(0);
    expect(rehearsal.readiness).toBe(0);
    expect(rehearsal.exit).toMatchObject({ code: 0, signal: null });
    expect(rehearsal.exit?.milliseconds).toBeLessThan(5_000);
  });
});
