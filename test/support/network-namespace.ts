import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from './server-process';

const AGENT = resolve(__dirname, 'namespace-agent.mjs');

export interface AgentRequest {
  method?: 'GET' | 'POST' | 'DELETE';
  path: string;
  json?: unknown;
  /** The namespace address the request comes from. */
  from: string;
  headers?: Record<string, string>;
}

export interface AgentResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

interface Answer {
  id?: number;
  ready?: boolean;
  error?: string;
  [field: string]: unknown;
}

const agents = new Set<ChildProcess>();

/**
 * A network namespace of the test's own (`unshare -n`, as root) whose loopback interface carries
 * the given addresses (CIDR, e.g. `2001:db8:1:2::7/64`), with an agent inside it
 * (namespace-agent.mjs) that sends requests from those addresses. Nothing in it reaches, or is
 * reached from, any other network; it is gone once the agent and the processes started in it
 * (`launcher`) have exited.
 */
export class NetworkNamespace {
  private nextId = 0;
  private readonly pending = new Map<number, (answer: Answer) => void>();
  private readonly ready: Promise<void>;

  private constructor(private readonly agent: ChildProcess) {
    let stderr = '';
    agent.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    this.ready = new Promise((resolveReady, rejectReady) => {
      createInterface({ input: agent.stdout! }).on('line', (line) => {
        const answer = JSON.parse(line) as Answer;
        if (answer.ready) return resolveReady();
        const settle = this.pending.get(answer.id ?? -1);
        this.pending.delete(answer.id ?? -1);
        settle?.(answer);
      });
      agent.once('exit', (code) => rejectReady(new Error(`the namespace agent exited (${code}): ${stderr}`)));
    });
  }

  static async create(addresses: readonly string[]): Promise<NetworkNamespace> {
    const setup = ['ip link set lo up', ...addresses.map((address) => `ip -6 addr add ${address} dev lo nodad`)].join(' && ');
    const agent = spawn('unshare', ['-n', '--', 'sh', '-c', `${setup} && exec "$0" "$1"`, process.execPath, AGENT], {
      cwd: REPO_ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    agents.add(agent);
    agent.once('exit', () => agents.delete(agent));
    const namespace = new NetworkNamespace(agent);
    await namespace.ready;
    return namespace;
  }

  /** A command prefix that runs a program inside this namespace (see ServerProcess.start). */
  get launcher(): string[] {
    return ['nsenter', `--net=/proc/${this.agent.pid}/ns/net`, '--'];
  }

  async http(baseUrl: string, request: AgentRequest): Promise<AgentResponse> {
    const answer = await this.ask({ op: 'http', url: baseUrl, method: request.method ?? (request.json === undefined ? 'GET' : 'POST'), ...request });
    return { status: answer['status'] as number, headers: answer['headers'] as AgentResponse['headers'], body: answer['body'] };
  }

  /** Opens a /chat connection from `from` and closes it: `connected`, or the connect_error code. */
  async connect(baseUrl: string, token: string, from: string): Promise<string> {
    return (await this.ask({ op: 'connect', url: baseUrl, token, from }))['outcome'] as string;
  }

  async close(): Promise<void> {
    if (this.agent.exitCode !== null || this.agent.signalCode !== null) return;
    const exited = new Promise((resolveExit) => this.agent.once('exit', resolveExit));
    this.agent.stdin!.end();
    await exited;
  }

  private async ask(command: Record<string, unknown>): Promise<Answer> {
    const id = this.nextId++;
    const answer = await new Promise<Answer>((resolveAnswer) => {
      this.pending.set(id, resolveAnswer);
      this.agent.stdin!.write(`${JSON.stringify({ id, ...command })}\n`);
    });
    if (answer.error !== undefined) throw new Error(`in the namespace: ${answer.error}`);
    return answer;
  }
}

// A last resort should a test file end without its afterAll.
process.once('exit', () => {
  for (const agent of agents) agent.kill('SIGKILL');
});
