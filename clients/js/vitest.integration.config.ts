import { defineConfig } from 'vitest/config'

// Integration tests: real clients in Node against a real server (see test/support/server.ts).
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['test/integration/**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 30000,
    hookTimeout: 30000
  }
})
