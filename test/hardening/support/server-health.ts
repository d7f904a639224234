import { readFileSync } from 'node:fs';
import { apiPaths } from '@ciphernest/protocol';
import { http } from '../../support/builders';
import type { LogRecord, ServerProcess } from '../../support/server-process';

/** The server's resident set size in bytes, from /proc/<pid>/status (VmRSS). */
export function rssBytes(server: ServerProcess): number {
  if (server.pid === undefined) throw new Error('the server has no pid');
  const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS in /proc/${server.pid}/status`);
  return Number(match[1]) * 1024;
}

export const MiB = 1024 * 1024;

/** The process is still running and /healthz answers 200 `{ status: "ok" }`. */
export async function expectAlive(server: ServerProcess): Promise<void> {
  expect({ exited: server.hasExited }).toEqual({ exited: false });
  const res = await http(server).get(apiPaths.health(), { timeoutMs: 5_000 });
  expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { status: 'ok' } });
}

/** A place in the server's output, to look only at what came after it. */
export interface LogMark {
  records: number;
  lines: number;
}

export function markLog(server: ServerProcess): LogMark {
  return { records: server.logs().length, lines: server.allLines().length };
}

export function logsSince(server: ServerProcess, mark: LogMark): LogRecord[] {
  return server.logs().slice(mark.records);
}

/**
 * Nothing went wrong inside the server since `mark`: no error or fatal line (an unexpected
 * exception in a handler, the sweeper or the HTTP layer) and nothing on stderr (a crash trace).
 */
export function expectNoServerErrors(server: ServerProcess, mark: LogMark): void {
  const errors = logsSince(server, mark).filter((record) => record.level === 'error' || record.level === 'fatal');
  expect(errors.map((record) => ({ event: record.event, msg: record['msg'], err: (record['err'] as { message?: string } | undefined)?.message }))).toEqual([]);
  const stderr = server.allLines().slice(mark.lines).filter((line) => line.stream === 'stderr');
  expect(stderr.map((line) => line.raw)).toEqual([]);
}
