import react from '@vitejs/plugin-react'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vite'

const pkg = (p: string) => fileURLToPath(new URL(`../../clients/js/packages/${p}`, import.meta.url))

// Built to dist/ with relative asset paths, so `symphony serve --static-dir` can serve it at `/`
// (or below any path). The client packages are compiled from their TypeScript sources, so the
// demo builds without building them first.
export default defineConfig({
  base: './',
  plugins: [react()],
  resolve: {
    alias: {
      '@symphony/client': pkg('client/src/index.ts'),
      '@symphony/react': pkg('react/src/index.tsx')
    },
    dedupe: ['yjs', 'react', 'react-dom']
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true
  }
})
