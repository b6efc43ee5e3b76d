import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    // Dates are calendar dates: the suite must pass in any time zone (CI may set TZ).
    env: { NO_COLOR: '1' },
  },
});
