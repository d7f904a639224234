import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RedisServer } from '../../apps/server/src/testing/redis-server';
import { ServerProcess, REPO_ROOT } from '../support/server-process';
import { fetchVia } from './support/web-request';

// docker/grafana/ciphernest-dashboard.json and docker/prometheus/alerts.yml: every metric and
// label they query is one a real server (STORE=redis, so the Redis metrics exist too) exports on
// /metrics, and the rules have what Prometheus and an on-call person need (promtool's basics).

// eslint's own YAML parser, present wherever the dev dependencies are.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = require('js-yaml') as { load(text: string): unknown };

const METRICS_TOKEN = 'monitoring-suite-metrics-token-0123456789abcdef';
const TOKEN_SECRET = 'monitoring suite token secret, 32+ characters long';
const SLOW_MS = 90_000;

interface Rule {
  alert?: unknown;
  expr?: unknown;
  for?: unknown;
  labels?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
}

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: { refId: string; expr: string; datasource?: { uid: string } }[];
}

interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; type: string; query: unknown; definition?: string }[] };
}

/** What /metrics exports: each metric's type, and the label names seen on its samples. */
interface Exported {
  types: Map<string, string>;
  labels: Map<string, Set<string>>;
}

function readExported(text: string): Exported {
  const types = new Map<string, string>();
  const labels = new Map<string, Set<string>>();
  for (const line of text.split('\n')) {
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) types.set(type[1]!, type[2]!);
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})? /.exec(line);
    if (sample && !line.startsWith('#')) {
      const names = labels.get(sample[1]!) ?? new Set<string>();
      for (const pair of (sample[2] ?? '').split(',').filter(Boolean)) names.add(pair.split('=')[0]!);
      labels.set(sample[1]!, names);
    }
  }
  return { types, labels };
}

/** Prometheus's own series, which no target exports. */
const PROMETHEUS_OWN = new Set(['up']);
/** Labels Prometheus adds to every series it scrapes. */
const TARGET_LABELS = new Set(['job', 'instance']);

/** The metric names a PromQL expression (or a Grafana query) reads, each with the labels it matches on. */
function metricsIn(expr: string): { name: string; matched: string[] }[] {
  const found: { name: string; matched: string[] }[] = [];
  const pattern = /\b((?:ciphernest|nodejs|process)_[a-z0-9_]+|up(?=\{))(\{([^}]*)\})?/g;
  for (const match of expr.matchAll(pattern)) {
    const matchers = (match[3] ?? '').split(',').map((part) => part.trim()).filter(Boolean);
    found.push({ name: match[1]!, matched: matchers.map((matcher) => matcher.split(/=~|!=|!~|=/)[0]!.trim()) });
  }
  return found;
}

/** Parentheses, braces, brackets and double quotes that pair up: a cheap check of a PromQL expression's shape. */
function balanced(expr: string): boolean {
  const pairs: Record<string, string> = { ')': '(', '}': '{', ']': '[' };
  const stack: string[] = [];
  let quoted = false;
  for (const char of expr) {
    if (char === '"') quoted = !quoted;
    if (quoted) continue;
    if ('({['.includes(char)) stack.push(char);
    if (')}]'.includes(char) && stack.pop() !== pairs[char]) return false;
  }
  return stack.length === 0 && !quoted;
}

/** Metric names known to /metrics (a histogram's or summary's series by their base name). */
function exists(exported: Exported, name: string): boolean {
  if (PROMETHEUS_OWN.has(name) || exported.types.has(name)) return true;
  const base = name.replace(/_(bucket|sum|count)$/, '');
  return ['histogram', 'summary'].includes(exported.types.get(base) ?? '');
}

const rules = (yaml.load(readFileSync(join(REPO_ROOT, 'docker', 'prometheus', 'alerts.yml'), 'utf8')) as { groups: { name: string; rules: Rule[] }[] }).groups;
const allRules = rules.flatMap((group) => group.rules);
const dashboard = JSON.parse(readFileSync(join(REPO_ROOT, 'docker', 'grafana', 'ciphernest-dashboard.json'), 'utf8')) as Dashboard;
const dataPanels = dashboard.panels.filter((panel) => panel.type !== 'row');
const dashboardQueries = [
  ...dataPanels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ where: `panel "${panel.title}" ${target.refId}`, expr: target.expr }))),
  ...dashboard.templating.list.filter((variable) => variable.type === 'query').map((variable) => ({ where: `variable $${variable.name}`, expr: String(variable.definition) })),
];
const alertQueries = allRules.map((rule) => ({ where: `alert ${String(rule.alert)}`, expr: String(rule.expr) }));

describe('docker/prometheus/alerts.yml', () => {
  it('is groups of rules, each with a unique name, an expression, a `for`, a severity and a summary and description', () => {
    expect(rules.length).toBeGreaterThan(0);
    for (const group of rules) {
      expect(group.name).toMatch(/^\S+$/);
      expect(group.rules.length).toBeGreaterThan(0);
    }
    const names = allRules.map((rule) => rule.alert);
    expect(new Set(names).size).toBe(names.length);
    for (const rule of allRules) {
      expect({ alert: rule.alert, ok: typeof rule.alert === 'string' && /^[A-Z][A-Za-z0-9]+$/.test(rule.alert) }).toEqual({ alert: rule.alert, ok: true });
      expect(typeof rule.expr === 'string' && rule.expr.trim().length > 0 && balanced(rule.expr)).toBe(true);
      expect(String(rule.for)).toMatch(/^\d+(ms|s|m|h|d|w|y)$/);
      expect(['page', 'ticket']).toContain(rule.labels?.['severity']);
      expect(typeof rule.annotations?.['summary']).toBe('string');
      expect(typeof rule.annotations?.['description']).toBe('string');
    }
  });

  it("uses {{ $labels.instance }} only where the expression keeps the instance label", () => {
    for (const rule of allRules) {
      const text = `${String(rule.annotations?.['summary'])} ${String(rule.annotations?.['description'])}`;
      if (!text.includes('$labels.instance')) continue;
      const expr = String(rule.expr);
      const aggregates = /\b(sum|max|min|avg|count)\s*(by|without|\()/.test(expr);
      expect({ alert: rule.alert, keepsInstance: !aggregates || /\bby\s*\([^)]*\binstance\b/.test(expr) }).toEqual({ alert: rule.alert, keepsInstance: true });
    }
  });

  it('alerts on what an admin must hear of: slow consumers, capacity refusals, lockouts, event-loop lag, Redis lapses', () => {
    const metrics = new Set(alertQueries.flatMap(({ expr }) => metricsIn(expr).map(({ name }) => name)));
    for (const name of ['ciphernest_slow_consumers_total', 'ciphernest_rejections_total', 'ciphernest_join_lockouts_total', 'nodejs_eventloop_lag_p99_seconds', 'ciphernest_redis_reachable', 'process_start_time_seconds']) {
      expect([...metrics]).toContain(name);
    }
    expect(alertQueries.map(({ expr }) => expr).join('\n')).toContain('code="CAPACITY"');
  });
});

describe('docker/grafana/ciphernest-dashboard.json', () => {
  it('is a dashboard with a fixed uid, panels with unique ids inside the 24-column grid, and every query on the chosen Prometheus', () => {
    expect(dashboard.uid).toBe('ciphernest-overview');
    expect(dashboard.title).toBe('CipherNest');
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    const datasource = dashboard.templating.list.find((variable) => variable.name === 'datasource');
    expect(datasource).toMatchObject({ type: 'datasource', query: 'prometheus' });
    expect(dataPanels.length).toBeGreaterThanOrEqual(10);
    for (const panel of dataPanels) {
      expect(panel.gridPos.x + panel.gridPos.w).toBeLessThanOrEqual(24);
      expect(panel.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      const refIds = (panel.targets ?? []).map((target) => target.refId);
      expect(refIds.length).toBeGreaterThan(0);
      expect(new Set(refIds).size).toBe(refIds.length);
      for (const target of panel.targets ?? []) expect(balanced(target.expr)).toBe(true);
    }
  });
});

describe('every metric and label the dashboard and the alerts query, on a real server', () => {
  let redis: RedisServer | undefined;
  let server: ServerProcess | undefined;
  let exported: Exported;
  let text: string;

  beforeAll(async () => {
    redis = await RedisServer.start();
    server = await ServerProcess.start({ STORE: 'redis', REDIS_URL: redis.url, TOKEN_SECRET, METRICS_TOKEN });
    // One refusal, so the labelled counter has a sample whose labels can be read.
    expect((await fetchVia(`${server.url}/api/rooms/nowhere/kdf`)).status).toBe(404);
    const res = await fetchVia(`${server.url}/metrics`, { token: METRICS_TOKEN, headers: { Accept: 'text/plain' } });
    expect(res.status).toBe(200);
    text = res.text;
    exported = readExported(text);
  }, SLOW_MS);

  afterAll(async () => {
    await server?.kill();
    await redis?.stop();
  }, SLOW_MS);

  it.each([
    ['the alerts', alertQueries],
    ['the dashboard', dashboardQueries],
  ])('%s: each metric exists on /metrics, and each label matched exists on it', (_what, queries) => {
    const missing: string[] = [];
    for (const { where, expr } of queries) {
      const found = metricsIn(expr);
      if (found.length === 0) missing.push(`${where}: no metric in "${expr}"`);
      for (const { name, matched } of found) {
        if (!exists(exported, name)) missing.push(`${where}: ${name}`);
        if (PROMETHEUS_OWN.has(name)) continue;
        for (const label of matched.filter((candidate) => !TARGET_LABELS.has(candidate))) {
          if (!exported.labels.get(name)?.has(label)) missing.push(`${where}: ${name}{${label}}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('exports the Redis metrics with a reachable Redis: ciphernest_redis_reachable 1, no errors yet', () => {
    expect(exported.types.get('ciphernest_redis_reachable')).toBe('gauge');
    expect(exported.types.get('ciphernest_redis_errors_total')).toBe('counter');
    expect(text).toMatch(/^ciphernest_redis_reachable 1$/m);
    expect(text).toMatch(/^ciphernest_redis_errors_total 0$/m);
  });
});
