// Jest reads `testTimeout` from the global config only (a project's own is ignored), so the
// projects that run in node (libs, server, e2e) set it here. Specs must hold on a loaded machine:
// end-to-end specs start real servers, and property tests run thousands of cases; either can take
// well over the default 5 s when both cores are busy.
jest.setTimeout(30_000);
