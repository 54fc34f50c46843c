import { defineConfig } from 'vitest/config'

// Browser end-to-end tests: Debian's Chromium driven by playwright-core, against the built
// whiteboard served by the server under test (see clients/js/test/support/server.ts).
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 60000,
    hookTimeout: 60000
  }
})
