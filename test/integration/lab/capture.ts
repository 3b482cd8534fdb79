// Packet capture with tcpdump inside a lab namespace, and tshark as the independent decoder that judges
// every DHCP reply (RFC 2131 §2, RFC 2132): no malformed packet, no expert warning or error.

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Lab } from './lab.js';

const execFileAsync = promisify(execFile);

/** tshark's expert severity for "warning"; errors are higher. */
const EXPERT_WARNING = 6291456;

export interface Capture {
  readonly path: string;
  /** Stops tcpdump (which flushes on SIGINT) and returns the pcap path. Idempotent. */
  stop(): Promise<string>;
}

export async function startCapture(
  lab: Lab,
  ns: string,
  ifname: string,
  filter = 'udp port 67 or udp port 68',
): Promise<Capture> {
  const path = join(lab.tempDir('pcap'), `${ifname}.pcap`);
  // --immediate-mode: with TPACKET_V3 a capture stopped within its block timeout (1 s) would lose what it saw.
  const child = lab.spawn(ns, 'tcpdump', ['--immediate-mode', '-i', ifname, '-n', '-U', '-w', path, filter]);
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`tcpdump on ${ns}/${ifname} not listening after 5 s: ${stderr}`)),
      5_000,
    );
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (stderr.includes('listening on')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`tcpdump on ${ns}/${ifname} exited with ${code}: ${stderr}`));
    });
  });
  let stopped: Promise<string> | undefined;
  const stop = (): Promise<string> => {
    stopped ??= new Promise<string>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve(path);
      child.once('exit', () => resolve(path));
      child.kill('SIGINT');
    });
    return stopped;
  };
  return { path, stop };
}

/** One row per packet matching `displayFilter`, one string per field (multi-valued fields joined by ","). */
export async function tsharkFields(pcapPath: string, displayFilter: string, fields: string[]): Promise<string[][]> {
  const args = ['-r', pcapPath, '-Y', displayFilter, '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a'];
  for (const field of fields) args.push('-e', field);
  const { stdout } = await execFileAsync('tshark', args, { maxBuffer: 16 * 1024 * 1024 });
  return stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => line.split('\t'));
}

/** tshark's one-line summary of each packet matching `displayFilter` (for failure messages). */
export async function tsharkSummary(pcapPath: string, displayFilter: string): Promise<string> {
  const { stdout } = await execFileAsync('tshark', ['-r', pcapPath, '-Y', displayFilter], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout.trim();
}

/** Every server reply in the capture decodes cleanly in tshark, and there is at least one. */
export async function assertRepliesClean(pcapPath: string): Promise<void> {
  const bad = await tsharkSummary(
    pcapPath,
    `udp.srcport == 67 && (_ws.malformed || _ws.expert.severity >= ${EXPERT_WARNING})`,
  );
  if (bad !== '') {
    const detail = await execFileAsync(
      'tshark',
      ['-r', pcapPath, '-Y', `udp.srcport == 67 && (_ws.malformed || _ws.expert.severity >= ${EXPERT_WARNING})`, '-V'],
      {
        maxBuffer: 16 * 1024 * 1024,
      },
    );
    throw new Error(`tshark flags server replies in ${pcapPath}:\n${bad}\n\n${detail.stdout.slice(0, 8_000)}`);
  }
  const replies = await tsharkFields(pcapPath, 'udp.srcport == 67 && dhcp', ['frame.number']);
  if (replies.length === 0) throw new Error(`no DHCP reply (udp source port 67) in ${pcapPath}`);
}
