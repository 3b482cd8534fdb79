// Background DHCPv4 load for the reconfiguration bench: Kea's perfdhcp as a relay (RFC 2131 §4.1) in back-to-back
// runs of a few seconds, so the drops of exactly the runs that overlap the measurement can be summed.

import type { Lab } from '../../integration/lab/lab.js';
import { runPerfdhcp } from '../dhcp4/perfdhcp.js';
import type { PerfdhcpResult } from '../dhcp4/perfdhcp.js';

export interface LoadOptions {
  iface: string;
  server: string;
  macList: string;
  /** DORA exchanges started per second. */
  rate: number;
  /** Length of each perfdhcp run. @default 5 */
  chunkS?: number;
}

export interface LoadSummary {
  runs: number;
  discovers: number;
  acks: number;
  /** Exchanges started but not completed, % of DISCOVERs sent, over the counted runs. */
  dropPct: number;
  /** perfdhcp's own mean DISCOVER→OFFER and REQUEST→ACK delays, weighted by replies. */
  offerAvgMs: number;
  ackAvgMs: number;
  /** The longest DISCOVER→OFFER and REQUEST→ACK delays of any counted run: a stall shows here, not in the mean. */
  offerMaxMs: number;
  ackMaxMs: number;
}

export class BackgroundLoad {
  private readonly results: { startedAt: number; endedAt: number; result: PerfdhcpResult }[] = [];
  private stopping = false;
  private readonly loop: Promise<void>;
  private failure: unknown;

  private constructor(
    private readonly lab: Lab,
    private readonly ns: string,
    private readonly options: LoadOptions,
  ) {
    this.loop = this.runLoop().catch((err: unknown) => {
      this.failure = err;
    });
  }

  static start(lab: Lab, ns: string, options: LoadOptions): BackgroundLoad {
    return new BackgroundLoad(lab, ns, options);
  }

  /** Runs completed so far: a caller waits for the first one to finish as the warm-up. */
  get completed(): number {
    return this.results.length;
  }

  async waitForRuns(count: number): Promise<void> {
    while (this.results.length < count) {
      if (this.failure !== undefined) throw this.failure;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Lets the run in progress finish, then sums the runs still going at or after `from` (ms since the epoch). */
  async stop(from: number): Promise<LoadSummary> {
    this.stopping = true;
    await this.loop;
    if (this.failure !== undefined) throw this.failure;
    // A run that started before `from` but was still going counts too: its drops overlap the measurement.
    return this.overlapping(from, Infinity);
  }

  /** When run `index` (0 first) ended, ms since the epoch; NaN before it has. */
  endOfRun(index: number): number {
    return this.results[index]?.endedAt ?? NaN;
  }

  /** The runs that overlap [from, to) (ms since the epoch), summed; call after stop(). */
  overlapping(from: number, to: number): LoadSummary {
    return summarise(this.results.filter((r) => r.endedAt > from && r.startedAt < to).map((r) => r.result));
  }

  /** The runs wholly inside [from, to]: a baseline that nothing after `to` has touched. */
  within(from: number, to: number): LoadSummary {
    return summarise(this.results.filter((r) => r.startedAt >= from && r.endedAt <= to).map((r) => r.result));
  }

  private async runLoop(): Promise<void> {
    const { iface, server, macList, rate } = this.options;
    while (!this.stopping) {
      const startedAt = Date.now();
      const result = await runPerfdhcp(this.lab, this.ns, {
        iface,
        server,
        macList,
        rate,
        periodS: this.options.chunkS ?? 5,
      });
      this.results.push({ startedAt, endedAt: Date.now(), result });
    }
  }
}

function summarise(runs: PerfdhcpResult[]): LoadSummary {
  let discovers = 0;
  let acks = 0;
  let offers = 0;
  let offerDelay = 0;
  let ackDelay = 0;
  for (const run of runs) {
    const runAcks = Number.isFinite(run.request.received) ? run.request.received : 0;
    discovers += run.discover.sent;
    acks += runAcks;
    offers += run.discover.received;
    offerDelay += run.discover.avgMs * run.discover.received;
    if (runAcks > 0) ackDelay += run.request.avgMs * runAcks;
  }
  return {
    runs: runs.length,
    discovers,
    acks,
    dropPct: discovers === 0 ? NaN : (100 * (discovers - acks)) / discovers,
    offerAvgMs: offers === 0 ? NaN : offerDelay / offers,
    ackAvgMs: acks === 0 ? NaN : ackDelay / acks,
    offerMaxMs: runs.length === 0 ? NaN : Math.max(...runs.map((r) => r.discover.maxMs)),
    ackMaxMs: runs.length === 0 ? NaN : Math.max(...runs.map((r) => r.request.maxMs)),
  };
}
