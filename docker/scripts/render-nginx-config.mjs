#!/usr/bin/env node
// Renders docker/nginx/ciphernest.conf.template for nginx outside Docker (bare metal, tests):
// replaces each ${CIPHERNEST_...} placeholder with the variable of that name from the
// environment (or its default below) and leaves nginx's own $variables alone, as envsubst in
// the official nginx image does. Unlike envsubst, a missing or malformed value is an error.
//
//   CIPHERNEST_PUBLIC_ORIGIN=https://chat.example.com \
//   CIPHERNEST_TLS_CERT=/etc/ssl/ciphernest/cert.pem CIPHERNEST_TLS_KEY=/etc/ssl/ciphernest/key.pem \
//   node docker/scripts/render-nginx-config.mjs [--template FILE] [--out FILE]
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath, URL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const nginxDir = resolve(here, '..', 'nginx');

const DEFAULTS = {
  CIPHERNEST_HTTP_LISTEN: '80',
  CIPHERNEST_HTTPS_LISTEN: '443',
  CIPHERNEST_UPSTREAM: '127.0.0.1:3000',
  CIPHERNEST_DHPARAM: resolve(nginxDir, 'ffdhe2048.pem'),
  CIPHERNEST_ACCESS_LOG: '/var/log/nginx/ciphernest.access.log',
  CIPHERNEST_SOCKET_MAX_BODY: '12m',
};

const CHECKS = {
  CIPHERNEST_PUBLIC_ORIGIN: (value) => {
    let url;
    try {
      url = new URL(value);
    } catch {
      return 'must be an origin such as https://chat.example.com';
    }
    if (url.protocol !== 'https:' || url.origin !== value) return 'must be a bare https origin (no path, no trailing slash)';
    return undefined;
  },
  CIPHERNEST_HTTP_LISTEN: listenCheck,
  CIPHERNEST_HTTPS_LISTEN: listenCheck,
  // `resolve` (nginx >= 1.27.3): follow the name's addresses at run time (docs/scaling.md).
  CIPHERNEST_UPSTREAM: (value) =>
    /^([\w.-]+:\d{1,5}|\[[0-9a-fA-F:]+\]:\d{1,5})( resolve)?$|^unix:\/\S+$/.test(value) ? undefined : 'must be host:port (optionally followed by " resolve") or unix:/path',
  CIPHERNEST_TLS_CERT: absolutePath,
  CIPHERNEST_TLS_KEY: absolutePath,
  CIPHERNEST_DHPARAM: absolutePath,
  CIPHERNEST_ACCESS_LOG: (value) => (value === 'off' || isAbsolute(value) ? undefined : 'must be an absolute path'),
  CIPHERNEST_SOCKET_MAX_BODY: (value) => (/^\d+[kKmM]?$/.test(value) ? undefined : 'must be a size such as 12m'),
};

function listenCheck(value) {
  return /^(\d{1,5}|[\w.-]+:\d{1,5}|\[[0-9a-fA-F:]+\]:\d{1,5})$/.test(value) ? undefined : 'must be a port or address:port';
}

function absolutePath(value) {
  return isAbsolute(value) && !/[\s;{}]/.test(value) ? undefined : 'must be an absolute path without spaces';
}

function fail(message) {
  process.stderr.write(`render-nginx-config: ${message}\n`);
  process.exit(1);
}

function option(name) {
  const index = process.argv.indexOf(name);
  if (index < 0) return undefined;
  const value = process.argv[index + 1];
  if (value === undefined) fail(`${name} needs a value`);
  return value;
}

/** The rendered configuration, or a thrown Error naming every problem. */
export function render(template, env) {
  const problems = [];
  const text = template.replace(/\$\{([A-Z0-9_]+)\}/g, (_match, name) => {
    const value = env[name] ?? DEFAULTS[name];
    if (value === undefined || value === '') {
      problems.push(`${name} is not set`);
      return '';
    }
    const problem = CHECKS[name]?.(value);
    if (problem) problems.push(`${name} ${problem} (got "${value}")`);
    return value;
  });
  if (problems.length > 0) throw new Error([...new Set(problems)].join('; '));
  return text;
}

const templatePath = resolve(option('--template') ?? resolve(nginxDir, 'ciphernest.conf.template'));
const out = option('--out');
let rendered;
try {
  rendered = render(readFileSync(templatePath, 'utf8'), process.env);
} catch (error) {
  fail(error.message);
}
if (out) writeFileSync(out, rendered);
else process.stdout.write(rendered);
