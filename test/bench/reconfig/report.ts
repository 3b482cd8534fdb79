// The reconfiguration bench's one table publish → first DHCPACK (RFC 2131 §3.1 step 5)
// carrying the new reservation, per server, with the background load's drops during the measurement.

import { percentile } from '../../integration/lab/region-rig.js';
import type { LoadSummary } from './load.js';

export interface ServerRun {
  server: string;
  /** publish → ACK, ms, one per sample that got its ACK. */
  latencies: number[];
  /** Samples that ended without an ACK for the published address (timeout, NAK, wrong address). */
  failed: number;
  load: LoadSummary | undefined;
  notes: string[];
}

const fmt = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-');

export function latencyRow(label: string, values: readonly number[]): string[] {
  const sorted = [...values].sort((a, b) => a - b);
  return [
    label,
    String(sorted.length),
    ...[50, 90, 99].map((p) => fmt(percentile(sorted, p))),
    fmt(sorted.at(-1) ?? NaN),
  ];
}

export function reconfigTable(runs: readonly ServerRun[], context: string): string {
  const header = ['server', 'samples', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'load drop %', 'failed'];
  const rows = runs.map((run) => [
    ...latencyRow(run.server, run.latencies),
    run.load === undefined ? '-' : `${run.load.dropPct.toFixed(2)} (${run.load.runs} runs)`,
    String(run.failed),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  const notes = runs.flatMap((run) => run.notes.map((n) => `  ${run.server}: ${n}`));
  return [
    '',
    `reconfiguration latency: publish → first DHCPACK carrying the new reservation (${context})`,
    line(header),
    ...rows.map(line),
    ...notes,
  ].join('\n');
}
