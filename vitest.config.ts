import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // @actions/workflow-parser imports its JSON schemas without `with { type: 'json' }`,
    // which Node refuses: let vite transform it (test/unit/ci-workflows.test.ts)
    server: { deps: { inline: ['@actions/workflow-parser'] } },
  },
});
