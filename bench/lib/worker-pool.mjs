// Load-generator processes (bench/load-worker.mjs) and their request/answer protocol over IPC.
import { fork } from 'node:child_process';
import { resolve } from 'node:path';

const WORKER = resolve(import.meta.dirname, '..', 'load-worker.mjs');

class Worker {
  constructor(index) {
    this.index = index;
    this.child = fork(WORKER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.pending = new Map();
    this.nextId = 0;
    this.child.on('message', ({ id, ok, result, error }) => {
      const waiter = this.pending.get(id);
      if (!waiter) return;
      this.pending.delete(id);
      if (ok) waiter.resolve(result);
      else waiter.reject(new Error(`load worker ${index}: ${error}`));
    });
    this.child.on('exit', (code, signal) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`load worker ${index} exited (${code ?? signal})`));
      this.pending.clear();
    });
  }

  request(cmd, args) {
    const id = ++this.nextId;
    return new Promise((resolveRequest, reject) => {
      this.pending.set(id, { resolve: resolveRequest, reject });
      this.child.send({ id, cmd, args });
    });
  }
}

/** `size` load-generator processes; `all(cmd, argsFor)` asks each and resolves with every answer. */
export class WorkerPool {
  constructor(size) {
    this.workers = Array.from({ length: size }, (_, index) => new Worker(index));
  }

  get size() {
    return this.workers.length;
  }

  get pids() {
    return this.workers.map((worker) => worker.child.pid);
  }

  all(cmd, argsFor = () => ({})) {
    return Promise.all(this.workers.map((worker, index) => worker.request(cmd, argsFor(index))));
  }

  one(index, cmd, args) {
    return this.workers[index].request(cmd, args);
  }

  close() {
    for (const worker of this.workers) {
      if (worker.child.connected) worker.child.disconnect();
    }
  }
}
