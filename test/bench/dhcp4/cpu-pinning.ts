// Which CPU each side of the bench runs on. perfdhcp busy-waits; left free it shares the server's core and the
// server loses packets to its own client. Pinned, the client gets one CPU and the server (Kea or rackd, the same
// for both) the other: on this 2-core machine perfdhcp alone then sends up to ~19,000 exchanges/s.

import { cpus } from 'node:os';

const enabled = process.env.BENCH_PIN !== '0' && cpus().length >= 2;

/** `[cmd, args]` run under `taskset -c cpu` when pinning is on (BENCH_PIN=0 turns it off). */
function pinned(cpu: number, cmd: string, args: string[]): [string, string[]] {
  return enabled ? ['taskset', ['-c', String(cpu), cmd, ...args]] : [cmd, args];
}

export const onClientCpu = (cmd: string, args: string[]) => pinned(0, cmd, args);
export const onServerCpu = (cmd: string, args: string[]) => pinned(1, cmd, args);
export const pinningNote = enabled
  ? 'perfdhcp pinned to CPU 0, the server to CPU 1 (taskset; BENCH_PIN=0 to turn off)'
  : 'no CPU pinning';
