// The reconfiguration benchmark runs on its own (`make bench-reconfig`), never in `make test`: one file, no
// parallelism, long timeouts; it prints a table rather than passing or failing on figures.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../../..', import.meta.url)),
    include: ['test/bench/reconfig/**/*.bench.ts'],
    fileParallelism: false,
    testTimeout: 3_600_000,
    hookTimeout: 300_000,
  },
});
