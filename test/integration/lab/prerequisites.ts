// What an integration test needs on the machine (root, tools on PATH), and how a missing piece is reported:
// always a failure naming the fix, so a broken runner never passes silently.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/** Where each tool lives on Debian, for the install hint. */
const PACKAGE_OF: Record<string, string> = {
  ip: 'iproute2',
  tcpdump: 'tcpdump',
  tshark: 'tshark',
  udhcpc: 'udhcpc (busybox)',
  dhclient: 'isc-dhcp-client',
  dhcpcd: 'dhcpcd-base',
  '/usr/bin/python3': 'python3-scapy',
  node: 'nodejs',
  dhcrelay: 'isc-dhcp-relay',
  ss: 'iproute2',
  dnsmasq: 'dnsmasq-base',
  'qemu-system-x86_64': 'qemu-system-x86',
};

function onPath(tool: string): boolean {
  if (tool.startsWith('/')) return existsSync(tool);
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** One line per missing prerequisite, each naming the fix; empty when the lab can run. */
export function missingPrerequisites(tools: string[]): string[] {
  const missing: string[] = [];
  if (process.getuid?.() !== 0)
    missing.push('not root: run the integration tests as root (they create network namespaces)');
  for (const tool of tools) {
    if (!onPath(tool)) missing.push(`${tool} not found: apt-get install ${PACKAGE_OF[tool] ?? tool}`);
  }
  if (tools.includes('/usr/bin/python3') && existsSync('/usr/bin/python3')) {
    try {
      execFileSync('/usr/bin/python3', ['-c', 'import scapy.all'], { stdio: 'ignore' });
    } catch {
      missing.push('scapy not importable by /usr/bin/python3: apt-get install python3-scapy');
    }
  }
  return missing;
}

/**
 * The lab's prerequisites, checked once per file: a missing one fails the file's tests with the fix named
 * (never a skip: `make test` installs them, and a silently skipped integration test proves nothing).
 * Usage: `const pre = labPrerequisites([...]); describe(…, () => { beforeAll(pre.assertReady) })`.
 */
export function labPrerequisites(tools: string[]): { missing: string[]; assertReady: () => void } {
  const missing = missingPrerequisites(tools);
  return {
    missing,
    assertReady: () => {
      if (missing.length > 0) throw new Error(`integration prerequisites missing:\n  ${missing.join('\n  ')}`);
    },
  };
}
