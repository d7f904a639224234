import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/server-process';
import { nginxBinary, NGINX_TEMPLATE, renderSiteConfig } from './support/nginx-proxy';
import { generateCertificate } from './support/tls-certificate';

// docker/: no Docker engine runs here, so the compose file and the Dockerfile are checked as far
// as tools allow (a YAML parse and the settings that matter; the Dockerfile's stages), and the
// nginx template is rendered with compose's own values and checked with `nginx -t`.

// eslint's own YAML parser, present wherever the dev dependencies are.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const yaml = require('js-yaml') as { load(text: string): unknown };

const DOCKER = join(REPO_ROOT, 'docker');

interface Service {
  build?: { context: string; dockerfile: string };
  image?: string;
  user?: string;
  read_only?: boolean;
  tmpfs?: string[];
  cap_drop?: string[];
  security_opt?: string[];
  command?: string[];
  environment: Record<string, string>;
  ports?: string[];
  expose?: string[];
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  networks: Record<string, { ipv4_address: string }> | string[];
  healthcheck?: { test: string[] };
  container_name?: string;
  stop_grace_period?: string;
  logging?: { driver: string; options: Record<string, string> };
}

const compose = yaml.load(readFileSync(join(DOCKER, 'compose.yaml'), 'utf8')) as {
  services: { app: Service; proxy: Service };
  networks: Record<string, { ipam: { config: { subnet: string; ip_range?: string }[] } }>;
};
const { app, proxy } = compose.services;
/** compose.scale.yaml: an override of compose.yaml, only what it adds or replaces. */
const scale = yaml.load(readFileSync(join(DOCKER, 'compose.scale.yaml'), 'utf8')) as {
  services: { app: Partial<Service>; redis: Service; proxy: Partial<Service> };
};

function proxyAddress(): string {
  return (proxy.networks as Record<string, { ipv4_address: string }>)['ciphernest']!.ipv4_address;
}

/** An IPv4 address as a number, for range checks. */
function ipv4(address: string): number {
  return address.split('.').reduce((value, octet) => value * 256 + Number(octet), 0);
}

/** Renders the template with a proxy's environment (compose defaults filled in) made real for this machine, and runs `nginx -t`. */
function renderAndCheck(environment: Record<string, string>, extraHttp: string[] = []): string {
  nginxBinary();
  const dir = mkdtempSync(join(tmpdir(), 'ciphernest-compose-nginx-'));
  try {
    const certificate = generateCertificate(join(dir, 'certs'), ['localhost']);
    const values = Object.fromEntries(Object.entries(environment).filter(([name]) => name.startsWith('CIPHERNEST_')).map(([name, value]) => [name, composeDefault(value)]));
    const rendered = renderSiteConfig({
      ...values,
      // Paths inside the container, and the app's compose hostname, made real for this machine:
      CIPHERNEST_TLS_CERT: certificate.certPath,
      CIPHERNEST_TLS_KEY: certificate.keyPath,
      CIPHERNEST_DHPARAM: join(DOCKER, 'nginx', 'ffdhe2048.pem'),
      CIPHERNEST_UPSTREAM: '127.0.0.1:3000',
      CIPHERNEST_ACCESS_LOG: join(dir, 'access.log'),
    });
    expect(rendered.stderr).toBe('');
    writeFileSync(join(dir, 'site.conf'), rendered.stdout);
    const http = [...extraHttp.map((file) => `  include ${file};`), `  include ${dir}/site.conf;`];
    writeFileSync(join(dir, 'nginx.conf'), `pid ${dir}/nginx.pid;\nevents {}\nhttp {\n${http.join('\n')}\n}\n`);
    const check = spawnSync(nginxBinary(), ['-t', '-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { encoding: 'utf8' });
    expect({ status: check.status, output: check.stderr }).toEqual({ status: 0, output: expect.stringContaining('test is successful') });
    return rendered.stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `${NAME:-default}` as compose resolves it with NAME unset. */
function composeDefault(value: string): string {
  return String(value).replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1');
}

/** Dockerfile instructions by stage (continuation lines joined, comments dropped). */
function dockerfileStages(): { name: string; from: string; instructions: [string, string][] }[] {
  const text = readFileSync(join(DOCKER, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const stages: { name: string; from: string; instructions: [string, string][] }[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const [keyword, ...rest] = trimmed.split(/\s+/);
    const argument = rest.join(' ');
    if (keyword === 'FROM') {
      const [from, , name] = rest;
      stages.push({ name: name ?? String(stages.length), from: from!, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push([keyword!, argument]);
    }
  }
  return stages;
}

describe('docker/compose.yaml', () => {
  it('puts the app behind nginx: only the proxy publishes ports', () => {
    expect(app.ports).toBeUndefined();
    expect(app.expose).toEqual(['3000']);
    expect(proxy.ports).toEqual(['${HTTP_PORT:-80}:80', '${HTTPS_PORT:-443}:443']);
    expect(proxy.depends_on).toEqual({ app: { condition: 'service_healthy' } });
  });

  it("starts nginx once the app is ready: the app's compose health check asks /readyz, in the shell form podman-compose runs", () => {
    expect(app.healthcheck?.test).toEqual(['CMD-SHELL', 'node docker/healthcheck.cjs readyz']);
  });

  it("trusts only the proxy's fixed address, inside the compose network", () => {
    expect(app.environment['TRUST_PROXY']).toBe(`${proxyAddress()}/32`);
    const subnet = compose.networks['ciphernest']!.ipam.config[0]!.subnet;
    expect(subnet).toBe('172.30.0.0/24');
    expect(proxyAddress().startsWith('172.30.0.')).toBe(true);
  });

  it("lets the app be scaled: no fixed address, name or host port, and dynamic addresses never take the proxy's", () => {
    expect(app.networks).toEqual(['ciphernest']);
    expect(app.container_name).toBeUndefined();
    const { ip_range: range } = compose.networks['ciphernest']!.ipam.config[0]!;
    expect(range).toBe('172.30.0.128/25');
    const [base, bits] = range!.split('/');
    const size = 2 ** (32 - Number(bits));
    const proxyAt = ipv4(proxyAddress());
    expect(proxyAt >= ipv4(base!) && proxyAt < ipv4(base!) + size).toBe(false);
  });

  it('allows the public origin only, the same one nginx redirects to, and serves its host only', () => {
    expect(app.environment['ALLOWED_ORIGINS']).toBe('${PUBLIC_ORIGIN:-https://localhost}');
    expect(app.environment['PUBLIC_ORIGIN']).toBe(app.environment['ALLOWED_ORIGINS']);
    expect(proxy.environment['CIPHERNEST_PUBLIC_ORIGIN']).toBe(app.environment['ALLOWED_ORIGINS']);
  });

  it('runs the app read-only, without capabilities, with rotated logs and time to shut down', () => {
    expect(app.read_only).toBe(true);
    expect(app.cap_drop).toEqual(['ALL']);
    expect(app.build).toEqual({ context: '..', dockerfile: 'docker/Dockerfile' });
    expect(app.stop_grace_period).toBe('10s');
    for (const service of [app, proxy]) expect(service.logging?.options).toEqual({ 'max-size': '10m', 'max-file': '5' });
  });

  it('gives nginx every placeholder of the template and mounts files that exist', () => {
    const placeholders = [...new Set([...readFileSync(NGINX_TEMPLATE, 'utf8').matchAll(/\$\{(CIPHERNEST_[A-Z_]+)\}/g)].map((match) => match[1]!))];
    expect(placeholders.filter((name) => !(name in proxy.environment))).toEqual([]);
    expect(proxy.environment['NGINX_ENVSUBST_FILTER']).toBe('^CIPHERNEST_');
    for (const volume of proxy.volumes ?? []) {
      const source = composeDefault(volume).split(':')[0]!;
      if (source === './certs') continue; // made by generate-cert.sh or mounted by the admin
      expect({ source, exists: existsSync(join(DOCKER, source)) }).toEqual({ source, exists: true });
    }
  });

  it("renders, with compose's values, a configuration `nginx -t` accepts", () => {
    const rendered = renderAndCheck(proxy.environment);
    expect(rendered).toContain('listen 443 ssl;');
    expect(rendered).toContain('return 301 https://localhost$request_uri;');
    expect(rendered).toContain('proxy_set_header X-Forwarded-For $remote_addr;');
  });
});

describe('docker/compose.scale.yaml', () => {
  const { redis } = scale.services;
  const REQUIRED_PASSWORD = /^\$\{REDIS_PASSWORD:\?[^}]+\}$/;

  it('runs the app on Redis, with a shared TOKEN_SECRET that must be set', () => {
    const environment = scale.services.app.environment!;
    expect(environment['STORE']).toBe('redis');
    expect(environment['TOKEN_SECRET']).toMatch(/^\$\{TOKEN_SECRET:\?[^}]+\}$/);
    expect(environment['REDIS_URL']).toMatch(/^redis:\/\/:\$\{REDIS_PASSWORD:\?[^}]+\}@redis:6379\/0$/);
    expect(scale.services.app.depends_on).toEqual({ redis: { condition: 'service_healthy' } });
    // Nothing that pins one container: `--scale app=N` must work.
    for (const key of ['networks', 'ports', 'container_name']) expect(scale.services.app).not.toHaveProperty(key);
  });

  it('runs Redis with nothing on disk, a password, no published port, and no privileges', () => {
    expect(redis.image).toBe('redis:7-bookworm');
    const command = redis.command!;
    const option = (name: string): string | undefined => command[command.indexOf(name) + 1];
    expect(command[0]).toBe('redis-server');
    expect(option('--save')).toBe('');
    expect(option('--appendonly')).toBe('no');
    expect(option('--requirepass')).toMatch(REQUIRED_PASSWORD);
    expect(option('--maxmemory-policy')).toBe('noeviction');
    expect(option('--client-output-buffer-limit')).toMatch(/^pubsub \d+mb \d+mb \d+$/);
    expect(redis.environment['REDISCLI_AUTH']).toMatch(REQUIRED_PASSWORD);
    expect(redis.ports).toBeUndefined();
    expect(redis.networks).toEqual(['ciphernest']);
    expect(redis.read_only).toBe(true);
    expect(redis.tmpfs).toEqual([expect.stringMatching(/^\/data:/)]);
    expect(redis.cap_drop).toEqual(['ALL']);
    expect(redis.user).toBe('redis');
    expect(redis.healthcheck?.test.join(' ')).toContain('redis-cli ping | grep -q PONG');
    expect(redis.logging?.options).toEqual({ 'max-size': '10m', 'max-file': '5' });
  });

  it('points nginx at every replica through Docker DNS, with files that exist', () => {
    expect(scale.services.proxy.environment).toEqual({ CIPHERNEST_UPSTREAM: 'app:3000 resolve' });
    for (const volume of scale.services.proxy.volumes ?? []) {
      const source = volume.split(':')[0]!;
      expect({ source, exists: existsSync(join(DOCKER, source)) }).toEqual({ source, exists: true });
    }
    expect(readFileSync(join(DOCKER, 'nginx', 'docker-resolver.conf'), 'utf8')).toMatch(/^resolver 127\.0\.0\.11 valid=\d+s ipv6=off;$/m);
  });

  it('renders, with the scale-out values and the resolver file, a configuration `nginx -t` accepts', () => {
    const renderer = renderSiteConfig({
      CIPHERNEST_PUBLIC_ORIGIN: 'https://chat.example.com',
      CIPHERNEST_TLS_CERT: '/c.pem',
      CIPHERNEST_TLS_KEY: '/k.pem',
      CIPHERNEST_UPSTREAM: scale.services.proxy.environment!['CIPHERNEST_UPSTREAM']!,
    });
    expect(renderer.stderr).toBe('');
    expect(renderer.stdout).toContain('server app:3000 resolve;');
    // `resolve` needs nginx >= 1.27.3 (the image has 1.28); the machine's nginx checks the rest.
    const rendered = renderAndCheck({ ...proxy.environment, ...scale.services.proxy.environment }, [join(DOCKER, 'nginx', 'docker-resolver.conf')]);
    const upstream = /upstream ciphernest_app \{([^}]*)\}/.exec(rendered)![1]!;
    const directives = upstream.split('\n').map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
    // Sticky by client address (long-polling needs it), in shared memory, before keepalive.
    expect(directives).toEqual(['zone ciphernest_app 64k;', 'hash $remote_addr;', 'server 127.0.0.1:3000;', 'keepalive 16;']);
  });
});

describe('docker/scripts/render-nginx-config.mjs', () => {
  it('names every missing or malformed value instead of writing a broken configuration', () => {
    const missing = renderSiteConfig({});
    expect(missing.status).toBe(1);
    for (const name of ['CIPHERNEST_PUBLIC_ORIGIN', 'CIPHERNEST_TLS_CERT', 'CIPHERNEST_TLS_KEY']) expect(missing.stderr).toContain(`${name} is not set`);
    expect(missing.stdout).toBe('');
    const bad = renderSiteConfig({ CIPHERNEST_PUBLIC_ORIGIN: 'http://chat.example.com/', CIPHERNEST_TLS_CERT: 'cert.pem', CIPHERNEST_TLS_KEY: '/k.pem', CIPHERNEST_UPSTREAM: 'app' });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/CIPHERNEST_PUBLIC_ORIGIN must be a bare https origin/);
    expect(bad.stderr).toMatch(/CIPHERNEST_TLS_CERT must be an absolute path/);
    expect(bad.stderr).toMatch(/CIPHERNEST_UPSTREAM must be host:port/);
  });

  it("leaves nginx's own variables alone", () => {
    const rendered = renderSiteConfig({ CIPHERNEST_PUBLIC_ORIGIN: 'https://chat.example.com', CIPHERNEST_TLS_CERT: '/c.pem', CIPHERNEST_TLS_KEY: '/k.pem' });
    expect(rendered.status).toBe(0);
    expect(rendered.stdout).not.toMatch(/\$\{CIPHERNEST_[A-Z]/);
    for (const variable of ['$remote_addr', '$http_upgrade', '$request_uri', '$http_host', '$request_id']) expect(rendered.stdout).toContain(variable);
  });
});

describe('docker/Dockerfile', () => {
  const stages = dockerfileStages();
  const runtime = stages.at(-1)!;
  const of = (keyword: string): string[] => runtime.instructions.filter(([name]) => name === keyword).map(([, argument]) => argument);

  it('is multi-stage: the toolchain (with the npm that reads the lockfile), a build stage, a production-dependency stage, a runtime stage', () => {
    expect(stages.map((stage) => stage.name)).toEqual(['toolchain', 'build', 'production-dependencies', 'runtime']);
    const toolchain = stages[0]!.instructions.map(([keyword, argument]) => `${keyword} ${argument}`).join('\n');
    expect(toolchain).toContain('npm install --global --no-audit --no-fund npm@${NPM_VERSION}');
    // The lockfile's own npm: its major version must be the one that wrote package-lock.json (3).
    expect(readFileSync(join(DOCKER, 'Dockerfile'), 'utf8')).toMatch(/^ARG NPM_VERSION=11\.\d+\.\d+$/m);
    expect((JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { lockfileVersion: number }).lockfileVersion).toBe(3);
    const build = stages[1]!.instructions.map(([keyword, argument]) => `${keyword} ${argument}`);
    expect(build).toEqual(expect.arrayContaining(['RUN npm ci --no-audit --no-fund', 'RUN npm run build']));
    const dependencies = stages[2]!.instructions.map(([keyword, argument]) => `${keyword} ${argument}`).join('\n');
    expect(dependencies).toContain('npm ci --omit=dev --ignore-scripts');
  });

  it('runs as a non-root user under tini, with a health check on liveness (/livez)', () => {
    expect(of('USER')).toEqual(['node']);
    expect(of('ENTRYPOINT')).toEqual(['["/usr/bin/tini", "--"]']);
    expect(of('CMD')).toEqual(['["node", "dist/apps/server/main.js"]']);
    expect(of('HEALTHCHECK')[0]).toMatch(/CMD \["node", "docker\/healthcheck\.cjs", "livez"\]$/);
    expect(readFileSync(join(DOCKER, 'healthcheck.cjs'), 'utf8')).toContain('path: `/${probe}`');
    expect(of('STOPSIGNAL')).toEqual(['SIGTERM']);
  });

  it('copies into the runtime only production dependencies, dist/ and what they need', () => {
    const copies = of('COPY');
    expect(copies).toEqual([
      'package.json ./',
      '--from=production-dependencies /app/node_modules ./node_modules',
      '--from=build /src/dist ./dist',
      'docker/healthcheck.cjs ./docker/healthcheck.cjs',
    ]);
    for (const source of ['package.json', 'package-lock.json', 'docker/healthcheck.cjs']) expect(existsSync(join(REPO_ROOT, source))).toBe(true);
  });

  it('pins its base images and keeps local builds, installs and certificates out of the context', () => {
    expect(stages.map((stage) => stage.from)).toEqual(['${NODE_IMAGE}', 'toolchain', 'toolchain', '${RUNTIME_IMAGE}']);
    const dockerfile = readFileSync(join(DOCKER, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20\.\d+-bookworm-slim$/m);
    // The runtime runs on the same official image unless told otherwise (a base made from Debian's packages).
    expect(dockerfile).toMatch(/^ARG RUNTIME_IMAGE=\$\{NODE_IMAGE\}$/m);
    const ignored = readFileSync(join(DOCKER, 'Dockerfile.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['.git', '**/node_modules', 'dist', 'docker/certs', 'docker/.env']));
  });
});
