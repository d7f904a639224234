// One jest run, five projects: pure libraries and the server in node, end-to-end tests and
// real-Chromium tests against the built server, and the Angular app in jsdom.
const { createCjsPreset } = require('jest-preset-angular/presets');

const aliases = {
  '^@ciphernest/protocol$': '<rootDir>/libs/protocol/src',
  '^@ciphernest/crypto$': '<rootDir>/libs/crypto/src',
};

const nodeProject = (displayName, testMatch, tsconfig, extra = {}) => ({
  displayName,
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch,
  moduleNameMapper: aliases,
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig }] },
  ...extra,
});

module.exports = {
  projects: [
    nodeProject('libs', ['<rootDir>/libs/**/*.spec.ts'], '<rootDir>/libs/tsconfig.spec.json'),
    nodeProject('server', ['<rootDir>/apps/server/**/*.spec.ts'], '<rootDir>/apps/server/tsconfig.spec.json', {
      setupFiles: ['<rootDir>/apps/server/test-setup.ts'],
    }),
    nodeProject('e2e', ['<rootDir>/test/**/*.e2e-spec.ts'], '<rootDir>/test/tsconfig.json', {
      testTimeout: 30_000,
    }),
    // Real Chromium against the built server (test/browser/support/launch-chromium.ts).
    nodeProject('browser', ['<rootDir>/test/browser/**/*.browser-spec.ts'], '<rootDir>/test/tsconfig.json', {
      testTimeout: 60_000,
    }),
    {
      displayName: 'web',
      rootDir: __dirname,
      ...createCjsPreset({ tsconfig: '<rootDir>/apps/web/tsconfig.spec.json' }),
      testEnvironment: 'jest-preset-angular/environments/jest-jsdom-env',
      setupFilesAfterEnv: ['<rootDir>/apps/web/src/test-setup.ts'],
      testMatch: ['<rootDir>/apps/web/**/*.spec.ts'],
      moduleNameMapper: aliases,
    },
  ],
};
