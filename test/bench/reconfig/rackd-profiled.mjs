// Profiling shim for the benches (not part of rackd): `RACKD_BIN=test/bench/reconfig/rackd-profiled.mjs` runs the
// built bin/rackd.js under `node --cpu-prof` (not allowed in NODE_OPTIONS), profile in $RACKD_CPU_PROF_DIR on exit.
import { spawn } from 'node:child_process';
import { URL, fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../../bin/rackd.js', import.meta.url));
const dir = process.env.RACKD_CPU_PROF_DIR ?? '/tmp';
const child = spawn(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, bin, ...process.argv.slice(2)], {
  stdio: 'inherit',
});
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal === null ? 1 : 128)));
