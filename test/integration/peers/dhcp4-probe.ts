// Runs test/integration/scapy/dhcp4_probe.py in a lab namespace: DHCPv4 DORA or INIT-REBOOT (RFC 2131 §3.1,
// §3.2) from a chosen MAC, untagged or 802.1Q-tagged, since this kernel cannot create VLAN sub-interfaces.

import { fileURLToPath } from 'node:url';
import type { Lab } from '../lab/lab.js';

/** Debian's interpreter: it has python3-scapy, the pyenv `python3` on PATH does not. */
export const SCAPY_PYTHON = '/usr/bin/python3';
/** dhcp4_probe.py's exit code when a request went unanswered. */
const NO_REPLY_EXIT = 3;
const SCRIPT = fileURLToPath(new URL('../scapy/dhcp4_probe.py', import.meta.url));

export interface ProbeOptions {
  iface: string;
  mac: string;
  /** 802.1Q VLAN id to tag the requests with; untagged when absent. */
  vid?: number;
  /** `dora`: DISCOVER then REQUEST; `request`: one INIT-REBOOT REQUEST for `requestedIp`. */
  mode: 'dora' | 'request';
  requestedIp?: string;
  timeoutSeconds?: number;
}

/** One server reply as the probe saw it on the wire. */
export interface ProbeReply {
  sent: 'discover' | 'request';
  /** The reply's 802.1Q VLAN id, null when untagged. */
  vid: number | null;
  yiaddr: string;
  siaddr: string;
  type: string;
  server_id: string | null;
  dst_mac: string;
  xid: number;
}

export interface ProbeResult {
  replies: ProbeReply[];
  /** Requests that got no reply, by what was sent. */
  unanswered: string[];
  stderr: string;
}

function parseLine(line: string): { reply?: ProbeReply; unanswered?: string } {
  const value = JSON.parse(line) as ProbeReply | { sent: string; reply: null };
  return 'reply' in value ? { unanswered: value.sent } : { reply: value };
}

export async function runDhcp4Probe(lab: Lab, ns: string, opts: ProbeOptions): Promise<ProbeResult> {
  const args = [
    SCRIPT,
    '--iface',
    opts.iface,
    '--mac',
    opts.mac,
    '--mode',
    opts.mode,
    '--timeout',
    String(opts.timeoutSeconds ?? 4),
  ];
  if (opts.vid !== undefined) args.push('--vid', String(opts.vid));
  if (opts.requestedIp !== undefined) args.push('--requested-ip', opts.requestedIp);
  const { code, stdout, stderr } = await lab.exec(ns, SCAPY_PYTHON, args, { timeoutMs: 30_000 });
  if (code === null) throw new Error(`dhcp4_probe.py timed out in ${ns}: ${stderr}`);
  const result: ProbeResult = { replies: [], unanswered: [], stderr };
  for (const line of stdout.split('\n').filter((l) => l.startsWith('{'))) {
    const { reply, unanswered } = parseLine(line);
    if (reply) result.replies.push(reply);
    if (unanswered) result.unanswered.push(unanswered);
  }
  // Exit code 3 means "no reply", which the caller asserts on; anything else is the script failing.
  if (code !== 0 && code !== NO_REPLY_EXIT) throw new Error(`dhcp4_probe.py exited ${code} in ${ns}: ${stderr}`);
  return result;
}
