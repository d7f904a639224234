// The image's HEALTHCHECK: GET /healthz on the server's own port (https when TLS_CERT is set,
// the certificate not checked: this is the process asking itself). Exit 0 when it answers
// {"status":"ok"} within 2 s, 1 otherwise.
'use strict';
const tls = Boolean(process.env.TLS_CERT);
const { get } = require(tls ? 'node:https' : 'node:http');
const host = !process.env.HOST || ['0.0.0.0', '::'].includes(process.env.HOST) ? '127.0.0.1' : process.env.HOST;
const port = Number(process.env.PORT || 3000);

const request = get({ host, port, path: '/healthz', timeout: 2000, rejectUnauthorized: false }, (response) => {
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
    process.exit(healthy ? 0 : 1);
  });
});
request.on('timeout', () => request.destroy(new Error('timed out')));
request.on('error', () => process.exit(1));
