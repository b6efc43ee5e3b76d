import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    // One PostgreSQL server for the run, started by the first test that needs it, each such test
    // in a database of its own (test/helpers/postgres.ts); stopped and removed after the run.
    globalSetup: ['test/global-setup.ts'],
    // Test files in a worker share its module cache instead of each re-importing the code under
    // test (zod, the criteria, the engine): that import was most of the time of the unit-test
    // files. Safe because no test mocks modules, stubs globals or changes process.env or the
    // working directory (grep for vi.mock / vi.stub / process.env = finds none); keep it so.
    isolate: false,
    // One worker per core: vitest's default leaves one core free (one worker on a 2-core machine),
    // which ran the files one after another: 160 s against 106 s with two (70 files, CI's machine).
    maxWorkers: '100%',
    // Dates are calendar dates: the suite must pass in any time zone (CI may set TZ).
    env: { NO_COLOR: '1' },
  },
});
