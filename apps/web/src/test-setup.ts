import { setupZonelessTestEnv } from 'jest-preset-angular/setup-env/zoneless';

setupZonelessTestEnv();

// Jest reads `testTimeout` from the global config only; component specs must hold on a loaded machine.
jest.setTimeout(30_000);
