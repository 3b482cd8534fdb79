// Reads a V8 .cpuprofile (node --cpu-prof) of rackd serving DHCPv4 (RFC 2131 §4) and ranks self time by
// function and by stage of the per-packet path (capture, decode, policy, encode, inject, logging, GC).

import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  endTime: number;
}

export interface SelfTime {
  name: string;
  where: string;
  ms: number;
  pct: number;
}

function shortUrl(url: string): string {
  const at = url.search(/\/(dist|node_modules)\//);
  return at >= 0 ? url.slice(at + 1) : url.replace(/^file:\/\//, '');
}

/** Which stage a function belongs to, by its file (the bench's grouping; first match wins). */
const STAGES: [string, RegExp][] = [
  ['gc', /^\(garbage collector\)$/],
  ['idle', /^\(idle\)$/],
  ['native, outside JS: libuv poll, syscalls', /^\(program\)$/],
  ['pcap capture/inject (binding)', /node_modules\/pcap\/|agent\/net\/pcap-port/],
  ['logging', /node_modules\/(pino|sonic-boom|thread-stream)|agent\/log\//],
  ['frame decode/encode', /protocol\/(net|binary)\//],
  ['dhcp4 codec', /protocol\/dhcp4\//],
  [
    'policy',
    new RegExp(
      'agent/(dhcp4|serving)/(policy|reply-builder|reply-destination|subnet-selection|compiled|boot|custom-option|' +
        'server-identifier|live-res|reservation-index|decision|arrival)',
    ),
  ],
  ['server shell/admission/events', /agent\/(dhcp4|stats|region|service|daemon)\//],
  ['node internals', /^node:|^$/],
];

export function stageOf(entry: { name: string; where: string }): string {
  for (const [stage, pattern] of STAGES) if (pattern.test(entry.where) || pattern.test(entry.name)) return stage;
  return 'other';
}

/** Self time per node id, counting only the samples of the profile's last `windowMs` (the loaded period). */
function sampledTime(profile: CpuProfile, windowMs: number): Map<number, number> {
  const total = profile.timeDeltas.reduce((sum, d) => sum + d, 0);
  const from = total - windowMs * 1000;
  const byNode = new Map<number, number>();
  let at = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (at >= from) byNode.set(id, (byNode.get(id) ?? 0) + delta);
  });
  return byNode;
}

export function selfTimes(
  path: string,
  windowMs = Infinity,
): { total: number; busy: number; byFunction: SelfTime[]; byStage: SelfTime[] } {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byNode = sampledTime(profile, windowMs);
  const byKey = new Map<string, { name: string; where: string; us: number }>();
  for (const node of profile.nodes) {
    const us = byNode.get(node.id) ?? 0;
    if (us === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = functionName || '(anonymous)';
    const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : '';
    const key = `${name}@${where}`;
    const entry = byKey.get(key) ?? { name, where, us: 0 };
    entry.us += us;
    byKey.set(key, entry);
  }
  const totalUs = [...byKey.values()].reduce((sum, e) => sum + e.us, 0);
  // Shares are of busy time: idle is how much headroom is left, not a cost.
  const busyUs = totalUs - [...byKey.values()].filter((e) => e.name === '(idle)').reduce((sum, e) => sum + e.us, 0);
  const toRow = (e: { name: string; where: string; us: number }) => ({
    name: e.name,
    where: e.where,
    ms: e.us / 1000,
    pct: (100 * e.us) / busyUs,
  });
  const byFunction = [...byKey.values()]
    .filter((e) => e.name !== '(idle)')
    .sort((a, b) => b.us - a.us)
    .map(toRow);
  const stages = new Map<string, number>();
  for (const e of byKey.values()) stages.set(stageOf(e), (stages.get(stageOf(e)) ?? 0) + e.us);
  const byStage = [...stages].map(([name, us]) => toRow({ name, where: '', us })).sort((a, b) => b.ms - a.ms);
  return {
    total: totalUs / 1000,
    busy: busyUs / 1000,
    byFunction,
    byStage: byStage.filter((row) => row.name !== 'idle'),
  };
}

/** `windowMs`: only the last stretch of the profile (the measured load, not start-up and IPAM parsing). */
export function profileReport(path: string, windowMs = Infinity, top = 15): string {
  const { total, busy, byFunction, byStage } = selfTimes(path, windowMs);
  const lines = [
    `profile ${path}: ${(total / 1000).toFixed(1)} s in the window, busy ${(busy / 1000).toFixed(1)} s ` +
      `(${((100 * busy) / total).toFixed(0)}% of one core); shares are of busy time`,
    `top ${top} self time:`,
  ];
  for (const row of byFunction.slice(0, top))
    lines.push(`  ${row.pct.toFixed(1).padStart(5)}%  ${row.ms.toFixed(0).padStart(7)} ms  ${row.name}  ${row.where}`);
  lines.push('by stage:');
  for (const row of byStage)
    lines.push(`  ${row.pct.toFixed(1).padStart(5)}%  ${row.ms.toFixed(0).padStart(7)} ms  ${row.name}`);
  return lines.join('\n');
}
