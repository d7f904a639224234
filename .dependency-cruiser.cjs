// @ts-check
// The layer rules of docs/architecture.md and STYLE.md, checked by `npm run lint`:
//   npx depcruise apps libs test --config .dependency-cruiser.cjs
// Type-only imports count (tsPreCompilationDeps): a type is a dependency of the design too.
// .dependency-cruiser.production.cjs adds the checks that only make sense without the tests.

const SERVER = '^apps/server/src/';

/**
 * The server's modules, lowest first. Each imports only modules before it in this list, so no
 * two modules can import each other, however indirectly. The composition root (the files at
 * apps/server/src/ itself: main.ts, create-app.ts, app.module.ts) sees them all.
 */
const MODULES = ['shared', 'config', 'store', 'tokens', 'membership', 'logging', 'metrics', 'web', 'http', 'realtime'];

/** Frameworks, drivers and I/O that domain/ and application/ code must not import. */
const FRAMEWORKS = [
  // packages, as resolved (dependency-cruiser matches the resolved path)
  '^node_modules/(@nestjs|@nest-lab|nestjs-pino|pino|pino-[^/]+|socket\\.io|socket\\.io-[^/]+|@socket\\.io|engine\\.io|express|ioredis|prom-client|helmet|rxjs|class-validator|class-transformer|proxy-addr)/',
  // Node's I/O modules
  '^(node:)?(net|http|https|http2|tls|dgram|dns|fs|fs/promises|child_process|cluster|worker_threads)$',
].join('|');

/** Modules later in MODULES than `name`. */
function above(name) {
  return MODULES.slice(MODULES.indexOf(name) + 1);
}

const downwardOnly = MODULES.filter((name) => above(name).length > 0).map((name) => ({
  name: `${name}-imports-only-lower-modules`,
  comment: `${name}/ imports only modules below it (${MODULES.join(' < ')}); see docs/architecture.md.`,
  severity: 'error',
  from: { path: `${SERVER}${name}/` },
  to: { path: `${SERVER}(${above(name).join('|')})/` },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'A file must not import itself through others.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'every-module-has-a-place',
      comment: `A folder of apps/server/src is one of the modules (${MODULES.join(', ')}) or testing/: add a new one to MODULES, in its place.`,
      severity: 'error',
      from: { path: `${SERVER}[^/]+/`, pathNot: `${SERVER}(${MODULES.join('|')}|testing)/` },
      to: {},
    },
    ...downwardOnly,
    {
      name: 'domain-is-plain',
      comment: 'domain/ imports no framework, driver or I/O (time and ids come in).',
      severity: 'error',
      from: { path: `${SERVER}.+/domain/`, pathNot: '\\.spec\\.ts$' },
      to: { path: FRAMEWORKS },
    },
    {
      name: 'domain-imports-no-application-or-adapter',
      comment: 'domain/ knows no use case, port or adapter.',
      severity: 'error',
      from: { path: `${SERVER}.+/domain/`, pathNot: '\\.spec\\.ts$' },
      to: { path: `${SERVER}.+/(application|adapters)/` },
    },
    {
      name: 'application-is-plain',
      comment: 'application/ (use cases and ports) imports no framework, driver or I/O.',
      severity: 'error',
      from: { path: `${SERVER}.+/application/`, pathNot: '\\.spec\\.ts$' },
      to: { path: FRAMEWORKS },
    },
    {
      name: 'application-imports-no-adapter',
      comment: 'Use cases call ports; adapters implement them and are bound at the composition root.',
      severity: 'error',
      from: { path: `${SERVER}.+/application/`, pathNot: '\\.spec\\.ts$' },
      to: { path: `${SERVER}(.+/adapters/|store/|http/|realtime/|logging/|metrics/|web/)` },
    },
    {
      name: 'adapters-bound-at-the-composition-root',
      comment:
        'Only the composition root (apps/server/src/*.ts, or a module\'s *.providers.ts bound there) picks adapters; ' +
        'adapters of one module may share code; specs and testing helpers may build them.',
      severity: 'error',
      from: {
        path: SERVER,
        pathNot: [`${SERVER}[^/]+\\.ts$`, '\\.providers\\.ts$', '\\.spec\\.ts$', `${SERVER}testing/`, `${SERVER}([^/]+)/adapters/`],
      },
      to: { path: `${SERVER}[^/]+/adapters/` },
    },
    {
      name: 'adapters-of-another-module',
      comment: 'An adapter may use another adapter of its own module only.',
      severity: 'error',
      from: { path: `${SERVER}([^/]+)/adapters/`, pathNot: '\\.spec\\.ts$' },
      to: { path: `${SERVER}[^/]+/adapters/`, pathNot: `${SERVER}$1/adapters/` },
    },
    {
      name: 'libs-are-plain',
      comment: 'libs/ is shared by the server and the browser: plain TypeScript, no framework (a decorator would drag Nest into the browser bundle).',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^node_modules/(@nestjs|@angular|socket\\.io|socket\\.io-[^/]+|class-validator|class-transformer)/' },
    },
    {
      name: 'libs-import-no-app',
      comment: 'libs/ sits below both applications.',
      severity: 'error',
      from: { path: '^libs/' },
      to: { path: '^(apps|test)/' },
    },
    {
      name: 'apps-apart',
      comment: 'The server and the web app share only libs/.',
      severity: 'error',
      from: { path: '^apps/(server|web)/' },
      to: { path: '^apps/', pathNot: '^apps/$1/' },
    },
    {
      name: 'no-orphans',
      comment: 'A file nothing imports is dead, unless it is an entry point, a spec, a test helper or a configuration.',
      severity: 'error',
      from: {
        orphan: true,
        pathNot: [
          '(^|/)\\.[^/]+\\.(c|m)?js$',
          '\\.d\\.ts$',
          '(^|/)tsconfig[^/]*\\.json$',
          '\\.(spec|e2e-spec|browser-spec)\\.ts$',
          '(^|/)(test-setup|main)\\.ts$',
          '\\.worker\\.ts$',
          '\\.mjs$',
        ],
      },
      to: {},
    },
    {
      name: 'production-imports-no-tests',
      comment: 'Production code never imports test helpers.',
      severity: 'error',
      from: { path: '^(apps|libs)/', pathNot: ['\\.spec\\.ts$', '/testing/', '(^|/)test-setup\\.ts$'] },
      to: { path: ['/testing/', '\\.spec\\.ts$', '^test/'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^dist/', '^coverage/', '^\\.angular/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
