import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { ecsLogOptions, toEcsFields } from './ecs-log-format';

function request(method: string, url: string, id?: string): IncomingMessage {
  const req = new IncomingMessage(new Socket());
  req.method = method;
  req.url = url;
  req.headers = { authorization: 'Bearer secret-token-value', cookie: 'a=b' };
  if (id !== undefined) req.id = id;
  return req;
}

/** A pino logger with the ECS options and the redaction of logging.module.ts, writing into `lines`. */
function ecsLogger(lines: Record<string, unknown>[]): pino.Logger {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return pino({ ...ecsLogOptions('ciphernest'), redact: { paths: ['token', 'vault', 'verifier', 'password', 'box', '*.token'], censor: '[redacted]' } }, sink);
}

describe('toEcsFields', () => {
  it('names CipherNest fields as ECS does and puts the rest under ciphernest.', () => {
    expect(toEcsFields({ event: 'room.created', reqId: 'abc', user: 'alice', room: 'Team room', reason: 'ROOM_EXISTS', context: 'Server' })).toEqual({
      'event.action': 'room.created',
      'http.request.id': 'abc',
      'user.name': 'alice',
      'ciphernest.room': 'Team room',
      'ciphernest.reason': 'ROOM_EXISTS',
      'log.logger': 'Server',
    });
  });

  it('puts an address in client.address, and in client.ip only when it is one (LOG_IP=hashed is not)', () => {
    expect(toEcsFields({ ip: '203.0.113.7' })).toEqual({ 'client.address': '203.0.113.7', 'client.ip': '203.0.113.7' });
    expect(toEcsFields({ ip: 'h:0123456789abcdef' })).toEqual({ 'client.address': 'h:0123456789abcdef' });
    expect(toEcsFields({ ip: undefined })).toEqual({});
  });

  it("takes a request's method and path without query, never its headers (its id is the logger's binding)", () => {
    const fields = toEcsFields({ req: request('POST', '/api/rooms/x/sessions?token=secret', 'id-1') });
    expect(fields).toEqual({ 'http.request.method': 'POST', 'url.path': '/api/rooms/x/sessions' });
    expect(JSON.stringify(fields)).not.toContain('secret');
  });

  it('turns the status and the response time (ms) into http.response.status_code and event.duration (ns)', () => {
    expect(toEcsFields({ res: { statusCode: 404 }, responseTime: 12 })).toEqual({ 'http.response.status_code': 404, 'event.duration': 12_000_000 });
  });

  it('leaves secret fields where the redaction finds them', () => {
    expect(toEcsFields({ token: 't', box: 'b' })).toEqual({ token: 't', box: 'b' });
  });
});

describe('ecsLogOptions', () => {
  it('writes ECS lines: @timestamp, log.level, message, ecs.version, service.name, event.dataset, process.pid', () => {
    const lines: Record<string, unknown>[] = [];
    ecsLogger(lines).info({ event: 'server.started', port: 3000, host: '0.0.0.0' }, 'listening');

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      'log.level': 'info',
      message: 'listening',
      'ecs.version': expect.stringMatching(/^\d+\.\d+\.\d+$/),
      'service.name': 'ciphernest',
      'event.dataset': 'ciphernest',
      'process.pid': process.pid,
      'event.action': 'server.started',
      'ciphernest.port': 3000,
      'ciphernest.host': '0.0.0.0',
    });
    expect(Date.parse(lines[0]!['@timestamp'] as string)).not.toBeNaN();
  });

  it("writes a request's line (pino-http's object) with its method, path and id, and none of its headers", () => {
    const lines: Record<string, unknown>[] = [];
    const req = request('GET', '/api/rooms?x=1', 'req-7');
    ecsLogger(lines).child({ 'http.request.id': 'req-7' }).info({ req, res: { statusCode: 200 }, responseTime: 3, event: 'http.request', ip: '192.0.2.5' }, 'request completed');

    expect(lines[0]).toMatchObject({
      'http.request.id': 'req-7',
      'http.request.method': 'GET',
      'url.path': '/api/rooms',
      'http.response.status_code': 200,
      'event.duration': 3_000_000,
      'client.ip': '192.0.2.5',
      'log.level': 'info',
    });
    expect(JSON.stringify(lines[0])).not.toMatch(/authorization|secret-token-value|cookie|x=1/i);
    expect(JSON.stringify(lines[0]).match(/"http\.request\.id"/g)).toHaveLength(1);
  });

  it('writes Errors as error.type, error.message and error.stack_trace, and error-like objects as error.message', () => {
    const lines: Record<string, unknown>[] = [];
    const logger = ecsLogger(lines);
    logger.error({ event: 'http.error', err: new TypeError('boom') }, 'unexpected error');
    logger.error({ event: 'redis.error', err: { message: 'connect ECONNREFUSED' } }, 'Redis connection error');

    expect(lines[0]!['error']).toMatchObject({ type: 'TypeError', message: 'boom', stack_trace: expect.stringContaining('TypeError: boom') });
    expect(lines[1]).toMatchObject({ 'error.message': 'connect ECONNREFUSED' });
  });

  it('still redacts secret fields', () => {
    const lines: Record<string, unknown>[] = [];
    ecsLogger(lines).info({ event: 'x', token: 'the-token', verifier: 'the-verifier' }, 'oops');

    expect(JSON.stringify(lines[0])).not.toMatch(/the-token|the-verifier/);
    expect(lines[0]).toMatchObject({ token: '[redacted]', verifier: '[redacted]' });
  });
});
