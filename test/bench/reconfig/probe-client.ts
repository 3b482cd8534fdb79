// Drives probe.mjs (a second relay agent in the client namespace, RFC 2131 §4.1 giaddr path) from the bench:
// one DISCOVER→OFFER→REQUEST→ACK probe at a time for a MAC that has just been published.

import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Lab } from '../../integration/lab/lab.js';

const PROBE_SCRIPT = fileURLToPath(new URL('./probe.mjs', import.meta.url));

export interface ProbeResult {
  event: 'ack' | 'nak' | 'timeout';
  mac: string;
  ip?: string;
  /** When the first DISCOVER went out; all times are wall-clock ms (performance.timeOrigin + performance.now()). */
  startedAt: number;
  offerAt?: number;
  ackAt?: number;
  discovers: number;
  requests: number;
}

type ProbeLine = { event: 'ready' } | { event: 'started'; mac: string; at: number } | ProbeResult;

/** The same clock the probe uses, so differences across the two processes are meaningful to well under 1 ms. */
export function wallNow(): number {
  return performance.timeOrigin + performance.now();
}

export class Probe {
  private partial = '';
  private readonly waiters = new Map<string, (line: ProbeLine) => void>();
  private readonly stderr: string[] = [];

  private constructor(private readonly child: ChildProcess) {
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => this.feed(chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => this.stderr.push(chunk));
  }

  static async start(lab: Lab, ns: string, probeIp: string, serverIp: string): Promise<Probe> {
    const child = lab.spawn(ns, process.execPath, [PROBE_SCRIPT, probeIp, serverIp], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const probe = new Probe(child);
    await probe.next('ready', 10_000);
    return probe;
  }

  /**
   * Starts DISCOVERing for `mac` (every `intervalMs`); resolves once the first DISCOVER is out, with the outcome
   * still to come (wrapped: an async function returning a bare promise would wait for it), so the caller can
   * publish right after and measure from then.
   */
  async begin(
    mac: string,
    xid: number,
    intervalMs: number,
    timeoutMs: number,
  ): Promise<{ outcome: Promise<ProbeResult> }> {
    const started = this.next(`started ${mac}`, 5000);
    const outcome = this.next(`done ${mac}`, timeoutMs + 5000) as Promise<ProbeResult>;
    outcome.catch(() => undefined);
    this.child.stdin?.write(`${JSON.stringify({ mac, xid, intervalMs, timeoutMs })}\n`);
    await started;
    return { outcome };
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin?.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(timer);
  }

  private next(key: string, timeoutMs: number): Promise<ProbeLine> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(key);
        reject(new Error(`probe: no "${key}" within ${timeoutMs} ms; stderr: ${this.stderr.join('').slice(-2000)}`));
      }, timeoutMs);
      this.waiters.set(key, (line) => {
        clearTimeout(timer);
        resolve(line);
      });
    });
  }

  private feed(chunk: string): void {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    for (const text of lines) {
      if (text.trim() === '') continue;
      const line = JSON.parse(text) as ProbeLine;
      const key =
        line.event === 'ready' ? 'ready' : line.event === 'started' ? `started ${line.mac}` : `done ${line.mac}`;
      const waiter = this.waiters.get(key);
      this.waiters.delete(key);
      waiter?.(line);
    }
  }
}
