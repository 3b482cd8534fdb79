// Medians of repeated perfdhcp runs and the one comparison table: per step, each server's completed
// DORA rate (RFC 2131 §3.1 four-way exchange), drops, OFFER/ACK delays, and the rackd/Kea ratios.

import type { PerfdhcpResult } from './perfdhcp.js';

/** The highest step with fewer drops than this counts as sustained. */
export const SUSTAINED_DROP_PCT = 0.1;

/** Below this share of its target rate, perfdhcp itself did not send what it was asked to (here: out of CPU). */
const CLIENT_LIMITED = 0.99;

export interface StepSummary {
  rate: number;
  runs: number;
  achieved: number;
  dropPct: number;
  offerAvgMs: number;
  offerMaxMs: number;
  ackAvgMs: number;
  ackMaxMs: number;
  /** The server's own CPU time (user + system, /proc) per completed exchange over the measured runs, in µs. */
  cpuUsPerExchange: number;
}

export function median(values: number[]): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function summarize(rate: number, runs: PerfdhcpResult[], cpuUsPerExchange = NaN): StepSummary {
  const of = (pick: (r: PerfdhcpResult) => number) => median(runs.map(pick));
  return {
    rate,
    runs: runs.length,
    achieved: of((r) => r.achieved),
    dropPct: of((r) => r.dropPct),
    offerAvgMs: of((r) => r.discover.avgMs),
    offerMaxMs: of((r) => r.discover.maxMs),
    ackAvgMs: of((r) => r.request.avgMs),
    ackMaxMs: of((r) => r.request.maxMs),
    cpuUsPerExchange,
  };
}

/**
 * The step that completed the most exchanges per second with fewer drops than SUSTAINED_DROP_PCT. Its `achieved`,
 * not its target, is the sustained rate: when perfdhcp sends less than asked, what was sustained is what it sent.
 */
export function sustained(steps: StepSummary[]): StepSummary | undefined {
  return steps.filter((s) => s.dropPct < SUSTAINED_DROP_PCT).sort((a, b) => b.achieved - a.achieved)[0];
}

const clientLimited = (s: StepSummary) => s.dropPct < SUSTAINED_DROP_PCT && s.achieved < CLIENT_LIMITED * s.rate;

/** The highest step sustained at the rate perfdhcp was asked for: a rate later runs can ask for and get. */
export function sustainedInFull(steps: StepSummary[]): StepSummary | undefined {
  return steps.filter((s) => s.dropPct < SUSTAINED_DROP_PCT && !clientLimited(s)).sort((a, b) => b.rate - a.rate)[0];
}

const num = (v: number, digits = 0) => (Number.isFinite(v) ? v.toFixed(digits) : '-');
const pct = (v: number) => (Number.isFinite(v) ? `${v < 10 ? v.toFixed(2) : v.toFixed(1)}%` : '-');
const ratio = (a: number, b: number) =>
  Number.isFinite(a) && Number.isFinite(b) && b > 0 ? `${(a / b).toFixed(2)}x` : '-';
const delays = (s: StepSummary) =>
  `${num(s.offerAvgMs, 2)}/${num(s.offerMaxMs, 1)}  ${num(s.ackAvgMs, 2)}/${num(s.ackMaxMs, 1)}`;

function pad(cells: string[], widths: number[]): string {
  return cells.map((c, i) => c.padStart(widths[i] as number)).join('  ');
}

/** One row per step: Kea and rackd side by side; delays are perfdhcp's, in ms, as avg/max. */
export function comparisonTable(kea: StepSummary[], rackd: StepSummary[]): string {
  const widths = [7, 8, 7, 24, 6, 8, 7, 24, 6, 7, 9];
  const head = pad(
    [
      'target',
      'kea/s',
      'drops',
      'kea OFFER  ACK avg/max',
      'cpu',
      'rackd/s',
      'drops',
      'rackd OFFER  ACK avg/max',
      'cpu',
      'rate',
      'avg dly',
    ],
    widths,
  );
  const rows = kea.map((k, i) => {
    const r = rackd[i] as StepSummary;
    const delayRatio = ratio((r.offerAvgMs + r.ackAvgMs) / 2, (k.offerAvgMs + k.ackAvgMs) / 2);
    return pad(
      [
        String(k.rate),
        num(k.achieved),
        pct(k.dropPct),
        delays(k),
        num(k.cpuUsPerExchange),
        num(r.achieved),
        pct(r.dropPct),
        delays(r),
        num(r.cpuUsPerExchange),
        ratio(r.achieved, k.achieved),
        delayRatio,
      ],
      widths,
    );
  });
  const ks = sustained(kea);
  const rs = sustained(rackd);
  const lines = [head, '-'.repeat(head.length), ...rows, ''];
  const rate = (s: StepSummary | undefined) =>
    s ? `${num(s.achieved)}/s${clientLimited(s) ? ` (asked ${s.rate}/s: perfdhcp sent less)` : ''}` : 'none';
  lines.push(
    `sustained (< ${SUSTAINED_DROP_PCT}% drops): kea ${rate(ks)}, rackd ${rate(rs)}, ratio ` +
      `${ks && rs ? ratio(rs.achieved, ks.achieved) : '-'}`,
  );
  if (ks) {
    const r = rackd.find((s) => s.rate === ks.rate);
    if (r)
      lines.push(
        `at kea's sustained ${ks.rate}/s: OFFER avg rackd/kea ${ratio(r.offerAvgMs, ks.offerAvgMs)}, ACK avg ` +
          `rackd/kea ${ratio(r.ackAvgMs, ks.ackAvgMs)}`,
      );
  }
  lines.push(
    'columns: target = perfdhcp -r; x/s = ACKs received / test period (median); drops = DISCOVERs without an ACK;',
  );
  lines.push(
    '         delays = perfdhcp avg/max ms for DISCOVER-OFFER and REQUEST-ACK (medians); cpu = server CPU µs ' +
      'per exchange;',
  );
  lines.push('         rate = rackd/kea; avg dly = rackd/kea mean of both legs');
  return lines.join('\n');
}

/** Per reservation count at one rate: the completed rate, and the server CPU per exchange that lookups are part of. */
export function scaleTable(rows: { reservations: number; step: StepSummary }[]): string {
  const widths = [12, 7, 9, 7, 24, 8, 24];
  const base = rows[0]?.step;
  const header = ['reservations', 'target', 'rackd/s', 'drops', 'OFFER  ACK avg/max', 'cpu µs', 'vs first'];
  const out = [pad(header, widths)];
  for (const { reservations, step } of rows) {
    const vsFirst =
      base === undefined
        ? '-'
        : `${ratio(step.achieved, base.achieved)} rate, ${ratio(step.cpuUsPerExchange, base.cpuUsPerExchange)} cpu`;
    out.push(
      pad(
        [
          String(reservations),
          String(step.rate),
          num(step.achieved),
          pct(step.dropPct),
          delays(step),
          num(step.cpuUsPerExchange),
          vsFirst,
        ],
        widths,
      ),
    );
  }
  return out.join('\n');
}
