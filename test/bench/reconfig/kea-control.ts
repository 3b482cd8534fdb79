// The Kea anchor of the reconfiguration bench: kea-dhcp4 with the bench's host reservations (RFC 2131 §3.1 static
// allocation) and a unix control socket, reconfigured by `config-set` with the whole configuration, as Kea requires.

import type { ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import type { Lab } from '../../integration/lab/lab.js';
import { RELAY_IP, SUBNET, ipOf, macOf } from '../dhcp4/workload.js';

/**
 * The bench workload's Kea configuration (see test/bench/dhcp4/workload.ts for why each setting) plus a control
 * socket. `extra` lists the reservation indices beyond the first `count` that this configuration adds.
 */
export function keaDhcp4Config(count: number, extra: readonly number[], iface: string, socketPath: string): string {
  const reservations = [...Array.from({ length: count }, (_, i) => i), ...extra].map((i) => ({ 'hw-address': macOf(i), 'ip-address': ipOf(i) }));
  return JSON.stringify({
    Dhcp4: {
      'interfaces-config': { interfaces: [iface], 'dhcp-socket-type': 'udp' },
      'control-socket': { 'socket-type': 'unix', 'socket-name': socketPath },
      'lease-database': { type: 'memfile', persist: false, 'lfc-interval': 0 },
      'valid-lifetime': 3600,
      'host-reservation-identifiers': ['hw-address'],
      'reservations-global': false,
      'reservations-in-subnet': true,
      'reservations-out-of-pool': true,
      'multi-threading': { 'enable-multi-threading': false },
      subnet4: [{ id: 1, subnet: SUBNET, 'option-data': [{ name: 'routers', data: RELAY_IP }], reservations }],
      loggers: [{ name: 'kea-dhcp4', output_options: [{ output: 'stdout' }], severity: 'WARN' }],
    },
  });
}

/** Starts kea-dhcp4 in `ns` with its own pid and lock directories (a Kea left by another test must not block it). */
export function spawnKea(lab: Lab, ns: string, dir: string, configJson: string): ChildProcess {
  const run = join(dir, 'kea-run');
  mkdirSync(run, { recursive: true });
  mkdirSync('/run/kea', { recursive: true });
  mkdirSync('/var/lib/kea', { recursive: true });
  const configPath = join(dir, 'kea-reconfig.json');
  writeFileSync(configPath, configJson);
  return lab.spawn(ns, 'kea-dhcp4', ['-c', configPath], { env: { ...process.env, KEA_PIDFILE_DIR: run, KEA_LOCKFILE_DIR: run } });
}

export interface KeaAnswer {
  result: number;
  text?: string;
}

/**
 * One command on Kea's unix control socket: Kea reads one JSON command per connection, answers, and closes.
 * `configJson` is a `{"Dhcp4": …}` document, spliced in as text so a 10,000-host config is not parsed again.
 */
export function keaConfigSet(socketPath: string, configJson: string, timeoutMs = 60_000): Promise<KeaAnswer> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    let reply = '';
    let finished = false;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`kea config-set: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    const done = (err?: Error) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      socket.destroy();
      if (err !== undefined) return reject(err);
      try {
        const parsed = JSON.parse(reply) as KeaAnswer | KeaAnswer[];
        resolve(Array.isArray(parsed) ? (parsed[0] as KeaAnswer) : parsed);
      } catch {
        reject(new Error(`kea config-set: unreadable answer: ${reply.slice(0, 500)}`));
      }
    };
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      reply += chunk;
      // Kea closes after answering, but a complete answer is enough: do not wait for the close.
      try {
        JSON.parse(reply);
        done();
      } catch {
        // not complete yet
      }
    });
    socket.once('end', () => done());
    socket.once('error', (err) => done(err));
    socket.once('connect', () => socket.write(`{"command":"config-set","arguments":${configJson}}`));
  });
}
