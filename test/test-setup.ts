// Jest reads `testTimeout` from the global config only (a project's own is ignored), so each
// project that needs longer than the default 5 s sets it here. End-to-end specs start real
// servers: on a loaded machine that alone can take several seconds.
jest.setTimeout(30_000);
