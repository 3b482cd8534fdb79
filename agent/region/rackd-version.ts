// rackd's version as the region sees it (PROTOCOL.md §6.4 ping/status, §7.1 heartbeat): package.json's `version`,
// found from this module in the source tree (agent/region) and in the build (dist/agent/region).

import { readFileSync } from 'node:fs';

export function rackdVersion(): string {
  for (const relative of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(relative, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'rackd' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // Not at this depth.
    }
  }
  return '0.0.0';
}
