import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// Unit tests: in-memory documents and an in-process fake server, no network.
export default defineConfig({
  // Tests use the sources of both packages (no build needed, one copy of the client code).
  resolve: { alias: { '@symphony/client': fileURLToPath(new URL('packages/client/src/index.ts', import.meta.url)) } },
  test: {
    root: import.meta.dirname,
    include: ['test/unit/**/*.test.ts', 'test/unit/**/*.test.tsx'],
    environment: 'node',
    pool: 'threads',
    maxWorkers: 2,
    testTimeout: 10000
  }
})
