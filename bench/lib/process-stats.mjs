// What the kernel says about a server process: resident memory, CPU time and open descriptors.
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat; 100 on every Linux this runs on. */
const TICKS_PER_SECOND = 100;

/** VmRSS of /proc/<pid>/status, in KiB. */
export function rssKiB(pid) {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]);
}

/** CPU time the process has used so far, in ms (10 ms resolution): in user space, in the kernel, and both. */
export function cpuTimes(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const user = (Number(fields[11]) * 1000) / TICKS_PER_SECOND;
  const system = (Number(fields[12]) * 1000) / TICKS_PER_SECOND;
  return { user, system, total: user + system };
}

/** User plus system CPU time the process has used so far, in ms. */
export function cpuMs(pid) {
  return cpuTimes(pid).total;
}

/** Open file descriptors (sockets, files, pipes, timers' eventfds ...). */
export function fdCount(pid) {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** The 1-, 5- and 15-minute load averages. */
export function loadAverage() {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
}
