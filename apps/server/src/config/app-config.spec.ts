import { ConfigError, loadConfig, RATE_LIMIT_KEYS } from './app-config';

/** The message of the ConfigError that loading `env` throws (fails the test if it does not throw one). */
function configError(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

const SECRET = 'x'.repeat(32);

describe('loadConfig', () => {
  describe('defaults', () => {
    it('uses the limits of docs/protocol.md §7', () => {
      expect(loadConfig({}).limits).toEqual({
        maxMessageBytes: 8_388_608,
        maxBufferedBytes: 33_554_432,
        maxMembersPerRoom: 64,
        maxRooms: 10_000,
        rateCreatesPerMin: 10,
        rateJoinsPerMin: 20,
        rateFailedJoinsPerMin: 5,
        rateLookupsPerMin: 120,
        rateConnectsPerMin: 60,
        rateMessagesPerSec: 20,
        rateMessagesBurst: 40,
        disconnectGraceMs: 10_000,
        replayMs: 30_000,
        replayMaxBytes: 33_554_432,
        replayMaxTotalBytes: 268_435_456,
      });
    });

    it('groups IPv6 addresses by /64 and caps what one address holds', () => {
      const config = loadConfig({});

      expect({ perAddress: config.perAddress, publicOrigin: config.publicOrigin }).toEqual({
        perAddress: { ipv6PrefixLength: 64, maxRoomsPerAddress: 64, maxSessionsPerAddress: 256, maxConnectionsPerAddress: 320 },
        publicOrigin: undefined,
      });
    });

    it('listens on 0.0.0.0:3000 without TLS', () => {
      const config = loadConfig({});

      expect({ port: config.port, host: config.host, tls: config.tls }).toEqual({ port: 3000, host: '0.0.0.0', tls: undefined });
    });

    it('logs at info with full addresses', () => {
      const config = loadConfig({});

      expect({ logLevel: config.logLevel, logIp: config.logIp }).toEqual({ logLevel: 'info', logIp: 'full' });
    });

    it('keeps state in memory with a secret of its own', () => {
      const config = loadConfig({});

      expect({ store: config.store, redisUrl: config.redisUrl, tokenSecret: config.tokenSecret }).toEqual({
        store: 'memory',
        redisUrl: undefined,
        tokenSecret: undefined,
      });
    });

    it('has no room directory, no metrics and the same-origin default', () => {
      const config = loadConfig({});

      expect({ roomDirectory: config.roomDirectory, metricsToken: config.metricsToken, allowedOrigins: config.allowedOrigins }).toEqual({
        roomDirectory: false,
        metricsToken: undefined,
        allowedOrigins: undefined,
      });
    });

    it('trusts no proxy', () => {
      const trust = loadConfig({}).trustProxy;

      expect([trust('127.0.0.1', 0), trust('10.0.0.1', 0)]).toEqual([false, false]);
    });

    describe('log format', () => {
      const original = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');

      afterEach(() => {
        if (original) Object.defineProperty(process.stdout, 'isTTY', original);
        else delete (process.stdout as { isTTY?: boolean }).isTTY;
      });

      it('is json when not on a terminal', () => {
        Object.defineProperty(process.stdout, 'isTTY', { value: false, configurable: true, writable: true });

        expect(loadConfig({}).logFormat).toBe('json');
      });

      it('is pretty on a terminal', () => {
        Object.defineProperty(process.stdout, 'isTTY', { value: true, configurable: true, writable: true });

        expect(loadConfig({}).logFormat).toBe('pretty');
      });
    });

    it('treats empty and blank values as unset', () => {
      expect(loadConfig({ PORT: '', MAX_ROOMS: '   ', LOG_LEVEL: '' }).port).toBe(3000);
      expect(loadConfig({ MAX_ROOMS: '   ' }).limits.maxRooms).toBe(10_000);
    });
  });

  describe('values read', () => {
    it('reads every limit from its variable', () => {
      const config = loadConfig({
        MAX_MESSAGE_BYTES: '1000',
        MAX_BUFFERED_BYTES: '2000',
        MAX_MEMBERS_PER_ROOM: '3',
        MAX_ROOMS: '4',
        RATE_CREATES_PER_MIN: '5',
        RATE_JOINS_PER_MIN: '6',
        RATE_FAILED_JOINS_PER_MIN: '7',
        RATE_LOOKUPS_PER_MIN: '8',
        RATE_CONNECTS_PER_MIN: '9',
        RATE_MESSAGES_PER_SEC: '10',
        RATE_MESSAGES_BURST: '11',
        DISCONNECT_GRACE_MS: '12',
        REPLAY_MS: '13',
        REPLAY_MAX_BYTES: '1400',
        REPLAY_MAX_TOTAL_BYTES: '1500',
      });

      expect(config.limits).toEqual({
        maxMessageBytes: 1000,
        maxBufferedBytes: 2000,
        maxMembersPerRoom: 3,
        maxRooms: 4,
        rateCreatesPerMin: 5,
        rateJoinsPerMin: 6,
        rateFailedJoinsPerMin: 7,
        rateLookupsPerMin: 8,
        rateConnectsPerMin: 9,
        rateMessagesPerSec: 10,
        rateMessagesBurst: 11,
        disconnectGraceMs: 12,
        replayMs: 13,
        replayMaxBytes: 1400,
        replayMaxTotalBytes: 1500,
      });
    });

    it('turns holding off with REPLAY_MS=0', () => {
      expect(loadConfig({ REPLAY_MS: '0' }).limits.replayMs).toBe(0);
    });

    it('accepts 0 for every rate limit (off)', () => {
      const config = loadConfig({
        RATE_CREATES_PER_MIN: '0',
        RATE_JOINS_PER_MIN: '0',
        RATE_FAILED_JOINS_PER_MIN: '0',
        RATE_LOOKUPS_PER_MIN: '0',
        RATE_CONNECTS_PER_MIN: '0',
        RATE_MESSAGES_PER_SEC: '0',
        RATE_MESSAGES_BURST: '0',
      });

      expect(RATE_LIMIT_KEYS.map((key) => config.limits[key])).toEqual([0, 0, 0, 0, 0, 0, 0]);
    });

    it('names the seven rate limits as the ones 0 turns off', () => {
      expect([...RATE_LIMIT_KEYS].sort()).toEqual([
        'rateConnectsPerMin',
        'rateCreatesPerMin',
        'rateFailedJoinsPerMin',
        'rateJoinsPerMin',
        'rateLookupsPerMin',
        'rateMessagesBurst',
        'rateMessagesPerSec',
      ]);
    });

    it('accepts 1 for every MAX_* value', () => {
      const config = loadConfig({ MAX_MESSAGE_BYTES: '1', MAX_BUFFERED_BYTES: '1', MAX_MEMBERS_PER_ROOM: '1', MAX_ROOMS: '1' });

      expect([config.limits.maxMessageBytes, config.limits.maxBufferedBytes, config.limits.maxMembersPerRoom, config.limits.maxRooms]).toEqual([
        1, 1, 1, 1,
      ]);
    });

    it('reads the port, allowing 0 and 65535', () => {
      expect([loadConfig({ PORT: '0' }).port, loadConfig({ PORT: '65535' }).port, loadConfig({ PORT: ' 8080 ' }).port]).toEqual([0, 65_535, 8080]);
    });

    it('reads the host', () => {
      expect(loadConfig({ HOST: '127.0.0.1' }).host).toBe('127.0.0.1');
    });

    it('reads TLS_CERT and TLS_KEY together', () => {
      expect(loadConfig({ TLS_CERT: '/etc/tls/cert.pem', TLS_KEY: '/etc/tls/key.pem' }).tls).toEqual({ cert: '/etc/tls/cert.pem', key: '/etc/tls/key.pem' });
    });

    it.each(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])('reads LOG_LEVEL=%s', (level) => {
      expect(loadConfig({ LOG_LEVEL: level }).logLevel).toBe(level);
    });

    it('reads LOG_FORMAT and LOG_IP', () => {
      const config = loadConfig({ LOG_FORMAT: 'pretty', LOG_IP: 'hashed' });

      expect([config.logFormat, config.logIp]).toEqual(['pretty', 'hashed']);
    });

    it.each([
      ['true', true],
      ['1', true],
      ['false', false],
      ['0', false],
    ])('reads ROOM_DIRECTORY=%s', (value, expected) => {
      expect(loadConfig({ ROOM_DIRECTORY: value }).roomDirectory).toBe(expected);
    });

    it('reads STORE=redis with REDIS_URL and TOKEN_SECRET', () => {
      const config = loadConfig({ STORE: 'redis', REDIS_URL: 'redis://cache:6379', TOKEN_SECRET: SECRET });

      expect([config.store, config.redisUrl, config.tokenSecret]).toEqual(['redis', 'redis://cache:6379', SECRET]);
    });

    it('reads the per-address limits and PUBLIC_ORIGIN', () => {
      const config = loadConfig({
        IPV6_PREFIX_LENGTH: '56',
        MAX_ROOMS_PER_ADDRESS: '3',
        MAX_SESSIONS_PER_ADDRESS: '4',
        MAX_CONNECTIONS_PER_ADDRESS: '5',
        PUBLIC_ORIGIN: 'https://chat.example.com/',
      });

      expect({ perAddress: config.perAddress, publicOrigin: config.publicOrigin }).toEqual({
        perAddress: { ipv6PrefixLength: 56, maxRoomsPerAddress: 3, maxSessionsPerAddress: 4, maxConnectionsPerAddress: 5 },
        publicOrigin: 'https://chat.example.com',
      });
    });

    it('reads ALLOWED_ORIGINS as a list of origins, a trailing slash allowed', () => {
      expect(loadConfig({ ALLOWED_ORIGINS: 'https://chat.example.com, http://localhost:4200/' }).allowedOrigins).toEqual([
        'https://chat.example.com',
        'http://localhost:4200',
      ]);
    });

    it('reads TRUST_PROXY as loopback', () => {
      const trust = loadConfig({ TRUST_PROXY: 'loopback' }).trustProxy;

      expect([trust('127.0.0.1', 0), trust('10.0.0.1', 0)]).toEqual([true, false]);
    });

    it('reads TRUST_PROXY as an address list', () => {
      const trust = loadConfig({ TRUST_PROXY: '10.0.0.0/8,192.168.0.7' }).trustProxy;

      expect([trust('10.1.2.3', 0), trust('192.168.0.7', 0), trust('127.0.0.1', 0)]).toEqual([true, true, false]);
    });

    it('reads TRUST_PROXY as a hop count', () => {
      const trust = loadConfig({ TRUST_PROXY: '1' }).trustProxy;

      expect([trust('198.51.100.1', 0), trust('198.51.100.1', 1)]).toEqual([true, false]);
    });

    it('reads METRICS_TOKEN', () => {
      expect(loadConfig({ METRICS_TOKEN: 'scrape-me' }).metricsToken).toBe('scrape-me');
    });
  });

  describe('bad values', () => {
    it.each([
      ['PORT', '-1'],
      ['PORT', '70000'],
      ['PORT', '65536'],
      ['PORT', 'http'],
      ['PORT', '80.5'],
      ['MAX_ROOMS', '0'],
      ['MAX_ROOMS', 'abc'],
      ['MAX_ROOMS', '1e3'],
      ['MAX_MESSAGE_BYTES', '0'],
      ['MAX_BUFFERED_BYTES', '0'],
      ['MAX_MEMBERS_PER_ROOM', '0'],
      ['MAX_MEMBERS_PER_ROOM', '99999999999999999999'],
      ['RATE_JOINS_PER_MIN', '-1'],
      ['RATE_CREATES_PER_MIN', 'many'],
      ['RATE_MESSAGES_BURST', '-5'],
      ['DISCONNECT_GRACE_MS', '10s'],
    ])('refuses %s=%s, naming the variable', (name, value) => {
      expect(configError({ [name]: value })).toContain(name);
    });

    it('refuses LOG_LEVEL=loud, naming the variable', () => {
      expect(configError({ LOG_LEVEL: 'loud' })).toContain('LOG_LEVEL');
    });

    it('refuses LOG_FORMAT=xml, naming the variable and the formats there are', () => {
      expect(configError({ LOG_FORMAT: 'xml' })).toBe('LOG_FORMAT must be one of json, pretty, ecs (got "xml")');
    });

    it('reads LOG_FORMAT=ecs (the Elastic Common Schema)', () => {
      expect(loadConfig({ LOG_FORMAT: 'ecs' }).logFormat).toBe('ecs');
    });

    it('reads SHUTDOWN_DRAIN_MS, 0 by default, and refuses more than a minute', () => {
      expect(loadConfig({}).shutdownDrainMs).toBe(0);
      expect(loadConfig({ SHUTDOWN_DRAIN_MS: '15000' }).shutdownDrainMs).toBe(15_000);
      expect(configError({ SHUTDOWN_DRAIN_MS: '60001' })).toBe('SHUTDOWN_DRAIN_MS must be a whole number from 0 to 60000 (got "60001")');
    });

    it('refuses LOG_IP=some, naming the variable', () => {
      expect(configError({ LOG_IP: 'some' })).toContain('LOG_IP');
    });

    it('refuses ROOM_DIRECTORY=yes, naming the variable', () => {
      expect(configError({ ROOM_DIRECTORY: 'yes' })).toContain('ROOM_DIRECTORY');
    });

    it('refuses STORE=postgres, naming the variable', () => {
      expect(configError({ STORE: 'postgres' })).toContain('STORE');
    });

    it.each(['not-an-ip', 'loopback,nonsense', '10.0.0.0/99', '-1'])('refuses TRUST_PROXY=%s, naming the variable', (value) => {
      expect(configError({ TRUST_PROXY: value })).toContain('TRUST_PROXY');
    });

    it.each([
      ['IPV6_PREFIX_LENGTH', '0'],
      ['IPV6_PREFIX_LENGTH', '129'],
      ['MAX_ROOMS_PER_ADDRESS', '0'],
      ['MAX_SESSIONS_PER_ADDRESS', 'many'],
      ['MAX_CONNECTIONS_PER_ADDRESS', '-1'],
      ['PUBLIC_ORIGIN', 'chat.example.com'],
      ['PUBLIC_ORIGIN', 'https://chat.example.com/app'],
    ])('refuses %s=%s, naming the variable', (name, value) => {
      expect(configError({ [name]: value })).toContain(name);
    });

    it('refuses ALLOWED_ORIGINS=foo, naming the variable', () => {
      expect(configError({ ALLOWED_ORIGINS: 'foo' })).toContain('ALLOWED_ORIGINS');
    });

    it('refuses an ALLOWED_ORIGINS entry with a path, naming the variable', () => {
      expect(configError({ ALLOWED_ORIGINS: 'https://chat.example.com/app' })).toContain('ALLOWED_ORIGINS');
    });

    it('refuses an ALLOWED_ORIGINS entry that is not http(s), naming the variable', () => {
      expect(configError({ ALLOWED_ORIGINS: 'ftp://chat.example.com' })).toContain('ALLOWED_ORIGINS');
    });

    it('refuses a bad ALLOWED_ORIGINS entry after a good one', () => {
      expect(configError({ ALLOWED_ORIGINS: 'https://chat.example.com,foo' })).toContain('ALLOWED_ORIGINS');
    });

    it('refuses TLS_CERT without TLS_KEY, naming both', () => {
      const message = configError({ TLS_CERT: '/etc/tls/cert.pem' });

      expect([message.includes('TLS_CERT'), message.includes('TLS_KEY')]).toEqual([true, true]);
    });

    it('refuses TLS_KEY without TLS_CERT, naming both', () => {
      const message = configError({ TLS_KEY: '/etc/tls/key.pem' });

      expect([message.includes('TLS_CERT'), message.includes('TLS_KEY')]).toEqual([true, true]);
    });

    it('refuses STORE=redis without REDIS_URL, naming it', () => {
      expect(configError({ STORE: 'redis', TOKEN_SECRET: SECRET })).toContain('REDIS_URL');
    });

    it('refuses STORE=redis without TOKEN_SECRET, naming it', () => {
      expect(configError({ STORE: 'redis', REDIS_URL: 'redis://cache:6379' })).toContain('TOKEN_SECRET');
    });

    it('refuses a TOKEN_SECRET under 32 characters, naming it', () => {
      expect(configError({ TOKEN_SECRET: 'x'.repeat(31) })).toContain('TOKEN_SECRET');
    });

    it('refuses REPLAY_MAX_BYTES below MAX_MESSAGE_BYTES, naming both (docs/protocol.md §7)', () => {
      const message = configError({ MAX_MESSAGE_BYTES: '2000', REPLAY_MAX_BYTES: '1999' });

      expect(message).toContain('REPLAY_MAX_BYTES');
      expect(message).toContain('MAX_MESSAGE_BYTES');
    });

    it('refuses REPLAY_MAX_TOTAL_BYTES below REPLAY_MAX_BYTES, naming both', () => {
      const message = configError({ MAX_MESSAGE_BYTES: '1000', REPLAY_MAX_BYTES: '2000', REPLAY_MAX_TOTAL_BYTES: '1999' });

      expect(message).toContain('REPLAY_MAX_TOTAL_BYTES');
      expect(message).toContain('REPLAY_MAX_BYTES');
    });

    it('refuses a REPLAY_MS that is not a whole number', () => {
      expect(configError({ REPLAY_MS: '-5' })).toContain('REPLAY_MS');
    });

    it('throws a ConfigError, an Error', () => {
      expect(() => loadConfig({ PORT: '-1' })).toThrow(ConfigError);
      expect(new ConfigError('x')).toBeInstanceOf(Error);
    });
  });
});
