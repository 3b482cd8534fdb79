// A throw-away redis-server reachable only through a unix socket (no TCP listener), for the reconfiguration bench:
// rackd in a namespace reaches it as `unix:///…` (PROTOCOL.md §1), with no relay process in the measured path.

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class UnixRedis {
  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
    readonly socketPath: string,
  ) {}

  /** The URL rackd takes (`--redis`). */
  get url(): string {
    return `unix://${this.socketPath}`;
  }

  static async start(timeoutMs = 5000): Promise<UnixRedis> {
    const dir = mkdtempSync(join(tmpdir(), 'rkc-redis-'));
    const socketPath = join(dir, 'redis.sock');
    const child = spawn(
      'redis-server',
      [
        '--port',
        '0',
        '--unixsocket',
        socketPath,
        '--unixsocketperm',
        '700',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        dir,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const server = new UnixRedis(child, dir, socketPath);
    const deadline = Date.now() + timeoutMs;
    while (!/ready to accept connections/i.test(output) || !existsSync(socketPath)) {
      if (child.exitCode !== null || Date.now() > deadline) {
        await server.stop();
        throw new Error(`redis-server did not start on ${socketPath} (apt-get install redis-server):\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    return server;
  }

  /** Idempotent. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGKILL');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
