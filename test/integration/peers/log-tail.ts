// rackd's last log lines (pino JSON, one per line; RFC 2131 exchanges show up as dhcp4.* events), for
// assertion messages: a failing integration test should say what the daemon saw, not just "undefined".

import type { RackdHandle } from '../lab/rackd.js';

export function rackdTail(rackd: RackdHandle | undefined, count = 25): string {
  if (rackd === undefined) return '(rackd not started)';
  const lines = rackd.logs.slice(-count).map((line) => JSON.stringify(line));
  return `rackd's last ${lines.length} log lines:\n${[...lines, ...rackd.noise.slice(-count)].join('\n')}`;
}
