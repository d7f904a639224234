// Preloaded into both servers by the bench (`node --expose-gc --import <this file>`), never in
// production: on SIGUSR2 the process runs two full garbage collections and prints its memory
// use as one JSON line on stderr, so memory figures count live objects, not garbage that the
// heap has not yet collected. Both targets get the same preload, so the comparison stays fair.
import { memoryUsage } from 'node:process';
import { getHeapSpaceStatistics } from 'node:v8';

process.on('SIGUSR2', () => {
  globalThis.gc?.();
  globalThis.gc?.();
  process.stderr.write(`${JSON.stringify({ event: 'bench.gc', exposed: typeof globalThis.gc === 'function', ...memoryUsage(), spaces: Object.fromEntries(getHeapSpaceStatistics().map((space) => [space.space_name, { size: space.space_size, used: space.space_used_size }])) })}\n`);
});
