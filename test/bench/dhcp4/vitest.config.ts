// The DHCPv4 benchmark runs on its own (`make bench-dhcp4`), never in `make test`: one file, no parallelism,
// long timeouts; it prints a table rather than passing or failing on figures.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../../..', import.meta.url)),
    include: ['test/bench/dhcp4/**/*.perf.ts'],
    fileParallelism: false,
    testTimeout: 3_600_000,
    hookTimeout: 300_000,
  },
});
