// Hand-made DHCPv4 messages sent with scapy from a lab namespace (RFC 2131 §4.3.2: INIT-REBOOT, SELECTING
// with another server's identifier), for the server behaviours stock clients do not expose on demand.

import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Lab } from './lab.js';

const CRAFT_SCRIPT = join(fileURLToPath(new URL('.', import.meta.url)), 'dhcp4-craft.py');

export interface CraftOptions {
  mac: string;
  type?: 'discover' | 'request' | 'decline' | 'release' | 'inform';
  requestedIp?: string;
  serverId?: string;
  ciaddr?: string;
  /** Seconds to listen for replies after sending; default 2. */
  waitSeconds?: number;
}

export interface CraftedReply {
  type: string;
  yiaddr: string;
  ip_dst: string;
  eth_dst: string;
  server_id?: string;
}

/** Sends one message from `ifname` in `ns` and returns the replies carrying its xid. */
export async function sendCrafted(lab: Lab, ns: string, ifname: string, opts: CraftOptions): Promise<CraftedReply[]> {
  const args = [CRAFT_SCRIPT, '--iface', ifname, '--mac', opts.mac, '--type', opts.type ?? 'request'];
  if (opts.requestedIp) args.push('--requested-ip', opts.requestedIp);
  if (opts.serverId) args.push('--server-id', opts.serverId);
  if (opts.ciaddr) args.push('--ciaddr', opts.ciaddr);
  args.push('--wait', String(opts.waitSeconds ?? 2));
  const result = await lab.exec(ns, '/usr/bin/python3', args, { timeoutMs: 15_000 });
  if (result.code !== 0) throw new Error(`dhcp4-craft.py failed (${result.code}): ${result.stderr}`);
  return result.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as CraftedReply);
}
