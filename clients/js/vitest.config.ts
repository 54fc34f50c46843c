import { defineConfig } from 'vitest/config'

// Unit tests: in-memory documents and an in-process fake server, no network.
export default defineConfig({
  test: {
    root: import.meta.dirname,
    include: ['test/unit/**/*.test.ts', 'test/unit/**/*.test.tsx'],
    environment: 'node',
    pool: 'threads',
    maxWorkers: 2,
    testTimeout: 10000
  }
})
