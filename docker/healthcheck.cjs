// The image's health checks: GET /livez (default) or GET /readyz (`node docker/healthcheck.cjs
// readyz`) on the server's own port (https when TLS_CERT is set, the certificate not checked:
// this is the process asking itself). Exit 0 when it answers 200 {"status":"ok"} within 2 s,
// 1 otherwise. The Dockerfile's HEALTHCHECK asks /livez (Docker's "unhealthy" may get a container
// restarted); compose.yaml asks /readyz (compose only waits on it before starting nginx).
'use strict';
const probe = process.argv[2] ?? 'livez';
if (!['livez', 'readyz'].includes(probe)) {
  process.stderr.write(`healthcheck: the probe is livez or readyz (got "${probe}")\n`);
  process.exit(2);
}
const tls = Boolean(process.env.TLS_CERT);
const { get } = require(tls ? 'node:https' : 'node:http');
const host = !process.env.HOST || ['0.0.0.0', '::'].includes(process.env.HOST) ? '127.0.0.1' : process.env.HOST;
const port = Number(process.env.PORT || 3000);

const request = get({ host, port, path: `/${probe}`, timeout: 2000, rejectUnauthorized: false }, (response) => {
  let body = '';
  response.setEncoding('utf8');
  response.on('data', (chunk) => (body += chunk));
  response.on('end', () => {
    let healthy = false;
    try {
      healthy = response.statusCode === 200 && JSON.parse(body).status === 'ok';
    } catch {
      healthy = false;
    }
    if (!healthy) process.stdout.write(`/${probe}: ${response.statusCode} ${body.slice(0, 200)}\n`);
    process.exit(healthy ? 0 : 1);
  });
});
request.on('timeout', () => request.destroy(new Error('timed out')));
request.on('error', (error) => {
  process.stdout.write(`/${probe}: ${error.message}\n`);
  process.exit(1);
});
