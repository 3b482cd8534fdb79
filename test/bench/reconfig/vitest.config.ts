// The reconfiguration benchmarks run on their own (`make bench-reconfig`, `make bench-churn`), never in `make test`:
// one file at a time, no parallelism, long timeouts; they print tables rather than passing or failing on figures.
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
