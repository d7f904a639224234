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
  read_only?: boolean;
  cap_drop?: string[];
  environment: Record<string, string>;
  ports?: string[];
  expose?: string[];
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  networks: Record<string, { ipv4_address: string }>;
  stop_grace_period?: string;
  logging?: { driver: string; options: Record<string, string> };
}

const compose = yaml.load(readFileSync(join(DOCKER, 'compose.yaml'), 'utf8')) as { services: { app: Service; proxy: Service }; networks: Record<string, { ipam: { config: { subnet: string }[] } }> };
const { app, proxy } = compose.services;

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

  it("trusts only the proxy's fixed address, inside the compose network", () => {
    const proxyAddress = proxy.networks['ciphernest']!.ipv4_address;
    expect(app.environment['TRUST_PROXY']).toBe(`${proxyAddress}/32`);
    const subnet = compose.networks['ciphernest']!.ipam.config[0]!.subnet;
    expect(subnet).toBe('172.30.0.0/24');
    expect(proxyAddress.startsWith('172.30.0.')).toBe(true);
  });

  it('allows the public origin only, the same one nginx redirects to', () => {
    expect(app.environment['ALLOWED_ORIGINS']).toBe('${PUBLIC_ORIGIN:-https://localhost}');
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
    nginxBinary();
    const dir = mkdtempSync(join(tmpdir(), 'ciphernest-compose-nginx-'));
    try {
      const certificate = generateCertificate(join(dir, 'certs'), ['localhost']);
      const values = Object.fromEntries(Object.entries(proxy.environment).filter(([name]) => name.startsWith('CIPHERNEST_')).map(([name, value]) => [name, composeDefault(value)]));
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
      writeFileSync(join(dir, 'nginx.conf'), `pid ${dir}/nginx.pid;\nevents {}\nhttp {\n  include ${dir}/site.conf;\n}\n`);
      const check = spawnSync(nginxBinary(), ['-t', '-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')], { encoding: 'utf8' });
      expect({ status: check.status, output: check.stderr }).toEqual({ status: 0, output: expect.stringContaining('test is successful') });
      expect(rendered.stdout).toContain('listen 443 ssl;');
      expect(rendered.stdout).toContain('return 301 https://localhost$request_uri;');
      expect(rendered.stdout).toContain('proxy_set_header X-Forwarded-For $remote_addr;');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
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

  it('is multi-stage: a build stage with the toolchain, a production-dependency stage, a runtime stage', () => {
    expect(stages.map((stage) => stage.name)).toEqual(['build', 'production-dependencies', 'runtime']);
    const build = stages[0]!.instructions.map(([keyword, argument]) => `${keyword} ${argument}`);
    expect(build).toEqual(expect.arrayContaining(['RUN npm ci --no-audit --no-fund', 'RUN npm run build']));
    const dependencies = stages[1]!.instructions.map(([keyword, argument]) => `${keyword} ${argument}`).join('\n');
    expect(dependencies).toContain('npm ci --omit=dev --ignore-scripts');
  });

  it('runs as a non-root user under tini, with a health check on /healthz', () => {
    expect(of('USER')).toEqual(['node']);
    expect(of('ENTRYPOINT')).toEqual(['["/usr/bin/tini", "--"]']);
    expect(of('CMD')).toEqual(['["node", "dist/apps/server/main.js"]']);
    expect(of('HEALTHCHECK')[0]).toMatch(/CMD \["node", "docker\/healthcheck\.cjs"\]$/);
    expect(readFileSync(join(DOCKER, 'healthcheck.cjs'), 'utf8')).toContain("path: '/healthz'");
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
    for (const stage of stages) expect(stage.from).toBe('${NODE_IMAGE}');
    expect(readFileSync(join(DOCKER, 'Dockerfile'), 'utf8')).toMatch(/^ARG NODE_IMAGE=node:20\.\d+-bookworm-slim$/m);
    const ignored = readFileSync(join(DOCKER, 'Dockerfile.dockerignore'), 'utf8').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['.git', '**/node_modules', 'dist', 'docker/certs', 'docker/.env']));
  });
});
