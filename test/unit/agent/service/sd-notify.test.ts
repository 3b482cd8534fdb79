// sd_notify (systemd.service(5) Type=notify, WatchdogSec): messages arrive on a NOTIFY_SOCKET this test binds
// itself, as systemd's would.

import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { SdNotifier } from '../../../../agent/service/sd-notify.js';
import type { UnixDgramModule, UnixDgramSocket } from '../../../../agent/service/unix-dgram.js';

const unix = createRequire(import.meta.url)('unix-dgram') as UnixDgramModule;
const logger = pino({ level: 'silent' });

function listen(): { path: string; messages: string[]; socket: UnixDgramSocket; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'rks-notify-'));
  const path = join(dir, 'notify.sock');
  const messages: string[] = [];
  const socket = unix.createSocket('unix_dgram', (buf) => messages.push(buf.toString()));
  socket.bind(path);
  return { path, messages, socket, dir };
}

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('SdNotifier', () => {
  const cleanups: (() => void)[] = [];
  afterEach(() => cleanups.splice(0).forEach((f) => f()));

  it('sends READY=1, then WATCHDOG=1 at half of WATCHDOG_USEC, then STOPPING=1', async () => {
    const sock = listen();
    const notifier = SdNotifier.fromEnv({ NOTIFY_SOCKET: sock.path, WATCHDOG_USEC: '100000' }, logger);
    cleanups.push(
      () => notifier.close(),
      () => sock.socket.close(),
      () => rmSync(sock.dir, { recursive: true, force: true }),
    );
    expect(notifier.watchdogIntervalMs).toBe(50);
    notifier.ready('serving DHCPv4 on rk0');
    await until(() => sock.messages.filter((m) => m === 'WATCHDOG=1').length >= 3);
    notifier.stopping();
    await until(() => sock.messages.includes('STOPPING=1'));
    expect(sock.messages[0]).toBe(`READY=1\nMAINPID=${process.pid}\nSTATUS=serving DHCPv4 on rk0`);
    const afterStop = sock.messages.length;
    await new Promise((r) => setTimeout(r, 150));
    expect(sock.messages.length).toBe(afterStop);
  });

  it('does nothing without NOTIFY_SOCKET and skips the watchdog meant for another pid', () => {
    expect(SdNotifier.fromEnv({}, logger).status).toBe('disabled');
    expect(
      SdNotifier.fromEnv({ NOTIFY_SOCKET: '/nonexistent', WATCHDOG_USEC: '1000000', WATCHDOG_PID: '1' }, logger, 42)
        .watchdogIntervalMs,
    ).toBeUndefined();
  });

  it('counts a missing socket as a send error instead of throwing', async () => {
    const notifier = SdNotifier.fromEnv({ NOTIFY_SOCKET: join(tmpdir(), 'rks-no-such.sock') }, logger);
    cleanups.push(() => notifier.close());
    notifier.ready();
    await until(() => notifier.sendErrors > 0);
  });
});
