import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'spec.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
