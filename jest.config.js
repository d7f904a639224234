// One jest run, five projects: pure libraries and the server in node, end-to-end tests and
// real-Chromium tests against the built server, and the Angular app in jsdom.
const { createCjsPreset } = require('jest-preset-angular/presets');

const aliases = {
  '^@ciphernest/protocol$': '<rootDir>/libs/protocol/src',
  '^@ciphernest/crypto$': '<rootDir>/libs/crypto/src',
};

// Packages published as ES modules only, which jest's CommonJS runtime cannot require as they
// are: compiled to CommonJS like our own code (the Angular preset does the same for its .mjs).
const ESM_PACKAGES = '@scure/base|@scure/bip39';
const ESM_PACKAGE_FILE = `/node_modules/(${ESM_PACKAGES})/.+\\.js$`;

const nodeProject = (displayName, testMatch, tsconfig, extra = {}) => ({
  displayName,
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch,
  moduleNameMapper: aliases,
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig }],
    [ESM_PACKAGE_FILE]: ['ts-jest', { tsconfig: { allowJs: true, isolatedModules: true } }],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_PACKAGES})/)`],
  ...extra,
});

const webPreset = createCjsPreset({ tsconfig: '<rootDir>/apps/web/tsconfig.spec.json' });

module.exports = {
  projects: [
    nodeProject('libs', ['<rootDir>/libs/**/*.spec.ts'], '<rootDir>/libs/tsconfig.spec.json', {
      setupFilesAfterEnv: ['<rootDir>/test/test-setup.ts'],
    }),
    nodeProject('server', ['<rootDir>/apps/server/**/*.spec.ts'], '<rootDir>/apps/server/tsconfig.spec.json', {
      setupFiles: ['<rootDir>/apps/server/test-setup.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/test-setup.ts'],
    }),
    nodeProject('e2e', ['<rootDir>/test/**/*.e2e-spec.ts'], '<rootDir>/test/tsconfig.json', {
      setupFilesAfterEnv: ['<rootDir>/test/test-setup.ts'],
    }),
    // Real Chromium against the built server (test/browser/support/launch-chromium.ts).
    nodeProject('browser', ['<rootDir>/test/browser/**/*.browser-spec.ts'], '<rootDir>/test/tsconfig.json', {
      setupFilesAfterEnv: ['<rootDir>/test/browser/test-setup.ts'],
    }),
    {
      displayName: 'web',
      rootDir: __dirname,
      ...webPreset,
      transformIgnorePatterns: [`node_modules/(?!(.*\\.mjs$|@angular/common/locales/.*\\.js$|(${ESM_PACKAGES})/))`],
      testEnvironment: 'jest-preset-angular/environments/jest-jsdom-env',
      setupFilesAfterEnv: ['<rootDir>/apps/web/src/test-setup.ts'],
      testMatch: ['<rootDir>/apps/web/**/*.spec.ts'],
      moduleNameMapper: aliases,
    },
  ],
};
