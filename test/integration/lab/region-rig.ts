// What the region integration tests and the region bench share: a bridge that makes the host's loopback Redis
// reachable as 127.0.0.1:<port> inside a lab namespace, an AOF-persistent redis-server, rackctl as a process.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Lab } from './lab.js';
import { REPO_ROOT } from './rackd.js';

export const SECRET_TEXT = 'e2e-region-secret-0123456789abcdef';
export const RACKCTL_BIN = join(REPO_ROOT, 'bin/rackctl.js');

/** Writes the shared secret the way an operator would (`openssl rand -hex 32 > file`, trailing newline). */
export function writeSecretFile(dir: string, text = SECRET_TEXT): string {
  const path = join(dir, 'region.secret');
  writeFileSync(path, `${text}\n`, { mode: 0o600 });
  return path;
}

function splice(a: Socket, b: Socket, sockets: Set<Socket>): void {
  sockets.add(a);
  sockets.add(b);
  a.pipe(b);
  b.pipe(a);
  // Either side going away ends both, so a SIGKILLed redis-server looks like a dropped connection to rackd.
  const end = () => {
    a.destroy();
    b.destroy();
    sockets.delete(a);
    sockets.delete(b);
  };
  for (const s of [a, b]) {
    s.on('error', end);
    s.on('close', end);
  }
}

// Runs inside the namespace (`node -e`): 127.0.0.1:<port> there → the unix socket the host side listens on.
const NS_SIDE = `const net = require('node:net');
const [port, path] = process.argv.slice(1);
const server = net.createServer((c) => {
  const u = net.createConnection(path);
  c.pipe(u); u.pipe(c);
  const end = () => { c.destroy(); u.destroy(); };
  for (const s of [c, u]) { s.on('error', end); s.on('close', end); }
});
server.listen(Number(port), '127.0.0.1', () => process.stdout.write('ready\\n'));`;

/**
 * A namespace has its own loopback, so rackd inside it cannot reach the test's redis-server on the host's. Two
 * relays join them through a unix socket (filesystem, not network): the namespace's 127.0.0.1:<port> → socket →
 * the host's 127.0.0.1:<port>. No traffic leaves loopback; the same URL works on both sides.
 */
export class NsRedisBridge {
  private nsChild: ChildProcess | undefined;

  private constructor(
    private readonly lab: Lab,
    private readonly ns: string,
    readonly port: number,
    private readonly host: Server,
    private readonly sockets: Set<Socket>,
    private readonly dir: string,
  ) {}

  get socketPath(): string {
    return join(this.dir, 'redis.sock');
  }

  static async start(lab: Lab, ns: string, port: number): Promise<NsRedisBridge> {
    const dir = mkdtempSync(join(tmpdir(), 'rkr-bridge-'));
    const sockets = new Set<Socket>();
    const host = createServer((c) => splice(c, createConnection({ host: '127.0.0.1', port }), sockets));
    await new Promise<void>((resolve, reject) => host.once('error', reject).listen(join(dir, 'redis.sock'), resolve));
    const bridge = new NsRedisBridge(lab, ns, port, host, sockets, dir);
    await bridge.connectNamespace();
    return bridge;
  }

  /** (Re)opens the namespace side; until then rackd's connects are refused, as with Redis down. */
  async connectNamespace(): Promise<void> {
    if (this.nsChild !== undefined) return;
    const child = this.lab.spawn(this.ns, process.execPath, ['-e', NS_SIDE, String(this.port), this.socketPath], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.nsChild = child;
    await new Promise<void>((resolve, reject) => {
      let err = '';
      child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
      child.stdout?.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`namespace relay exited (${code}): ${err}`)));
    });
  }

  /** Makes Redis unreachable from the namespace (connection refused) without touching redis-server. */
  async disconnectNamespace(): Promise<void> {
    const child = this.nsChild;
    this.nsChild = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async close(): Promise<void> {
    await this.disconnectNamespace();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.host.close(() => resolve()));
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface RackctlRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** rackctl as an operator runs it (bin/rackctl.js, a process of its own), with the connection in its flags. */
export async function runRackctl(
  args: string[],
  conn: { url: string; secretFile: string; prefix?: string },
  timeoutMs = 20_000,
): Promise<RackctlRun> {
  const argv = [
    RACKCTL_BIN,
    '--redis',
    conn.url,
    '--secret-file',
    conn.secretFile,
    ...(conn.prefix ? ['--prefix', conn.prefix] : []),
    ...args,
  ];
  const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/** The stream entry id a publishing rackctl printed; its first part is Redis's clock at XADD. */
export function publishedEntry(stdout: string): { entryId: string; revision: number; at: number } {
  const match = /published revision (\d+) .*entry (\d+)-(\d+)/.exec(stdout);
  if (match === null) throw new Error(`rackctl printed no published revision:\n${stdout}`);
  return { revision: Number(match[1]), entryId: `${match[2]}-${match[3]}`, at: Number(match[2]) };
}

const DISCOVER_SCRIPT = `import sys, time
from scapy.all import BOOTP, DHCP, IP, UDP, Ether, sendp
iface, interval = sys.argv[1], float(sys.argv[2])
if sys.argv[3].startswith("range:"):
    _, b3, start, count = sys.argv[3].split(":")
    macs = ["52:54:00:%02x:%02x:%02x" % (int(b3), (i >> 8) & 255, i & 255)
            for i in range(int(start), int(start) + int(count))]
else:
    macs = sys.argv[3:]
def discover(n, mac):
    chaddr = bytes.fromhex(mac.replace(":", "")) + b"\\0" * 10
    return (Ether(src=mac, dst="ff:ff:ff:ff:ff:ff") / IP(src="0.0.0.0", dst="255.255.255.255") / UDP(sport=68, dport=67)
            / BOOTP(op=1, xid=0x5000 + n, chaddr=chaddr, flags=0x8000) / DHCP(options=[("message-type", 1), "end"]))
if interval == 0:
    sendp([discover(n, mac) for n, mac in enumerate(macs)], iface=iface, verbose=False)
else:
    for n, mac in enumerate(macs):
        sendp(discover(n, mac), iface=iface, verbose=False)
        time.sleep(interval)
`;

/**
 * One DHCPDISCOVER per MAC from `ifname`, `intervalMs` apart (0: as fast as scapy sends): each unknown MAC is one
 * `unknown-client` event. `macs` may be `{ b3, start, count }` for macFor(b3, start…start+count-1).
 */
export async function sendDiscovers(
  lab: Lab,
  ns: string,
  ifname: string,
  macs: string[] | { b3: number; start: number; count: number },
  intervalMs: number,
): Promise<void> {
  const list = Array.isArray(macs) ? macs : [`range:${macs.b3}:${macs.start}:${macs.count}`];
  const result = await lab.exec(
    ns,
    '/usr/bin/python3',
    ['-c', DISCOVER_SCRIPT, ifname, String(intervalMs / 1000), ...list],
    { timeoutMs: 300_000 },
  );
  if (result.code !== 0) throw new Error(`sending DISCOVERs failed (${result.code}): ${result.stderr}`);
}

/** `52:54:00:<b3>:<hi>:<lo>` for i < 65536: distinct, valid, easy to spot in logs. */
export function macFor(b3: number, i: number): string {
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  return `52:54:00:${hex(b3)}:${hex((i >> 8) & 0xff)}:${hex(i & 0xff)}`;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}
