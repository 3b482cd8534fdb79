// A throw-away redis-server for integration tests: its own free loopback port, killed afterwards; persistence only on
// request.
// A missing redis-server fails the test with the fix named; it is never skipped, and never a shared server.

import { spawn, execFileSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function hasRedisServer(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v redis-server'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Call `assertReady` in beforeAll: it throws, naming the package, when redis-server is not installed. */
export function redisServerPrerequisite(): { assertReady: () => void } {
  const present = hasRedisServer();
  return {
    assertReady: () => {
      if (!present) throw new Error('redis-server not found on PATH: apt-get install redis-server');
    },
  };
}

export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address !== null ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

export class RedisServer {
  private child: ChildProcess | undefined;
  private readonly dir = mkdtempSync(join(tmpdir(), 'rackd-redis-'));
  private readonly onExit = () => this.child?.kill('SIGKILL');

  private constructor(
    readonly port: number,
    /** `appendonly yes`, `appendfsync always`: a SIGKILL loses nothing acknowledged, as a production Redis with AOF. */
    private readonly persistent: boolean,
  ) {
    process.once('exit', this.onExit);
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /**
   * Starts on a free loopback port (retrying if another process takes the port first). `persistent` keeps the
   * data across a SIGKILL and restart on the same port and directory; by default nothing is persisted.
   */
  static async start(options: { persistent?: boolean } = {}): Promise<RedisServer> {
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt++) {
      const server = new RedisServer(await freeLoopbackPort(), options.persistent ?? false);
      try {
        await server.restart();
        return server;
      } catch (err) {
        lastError = err;
        await server.stop();
      }
    }
    throw lastError;
  }

  /**
   * (Re)starts on the same port, e.g. after kill('SIGKILL') in a fault test. Resolves once it answers PING, which
   * a Redis still loading its AOF does not (it answers -LOADING).
   */
  async restart(timeoutMs = 5000): Promise<void> {
    if (this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null)
      throw new Error('redis-server is still running');
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--dir',
        this.dir,
        ...(this.persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no']),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    this.child = child;
    let output = '';
    child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}:\n${output}`);
      if (await answersPing(this.port)) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    child.kill('SIGKILL');
    throw new Error(`redis-server did not answer PING on port ${this.port} within ${timeoutMs} ms:\n${output}`);
  }

  /** Sends `signal` and waits for the process to exit. */
  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.child;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }

  /** Idempotent: kills the server and removes its directory. */
  async stop(): Promise<void> {
    await this.kill('SIGKILL');
    process.removeListener('exit', this.onExit);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
