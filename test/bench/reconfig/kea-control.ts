// The Kea anchor of the reconfiguration bench: kea-dhcp4 with the bench's host reservations (RFC 2131 §3.1 static
// allocation) and a unix control socket, reconfigured by `config-set` with the whole configuration, as Kea requires.

import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import type { Lab } from '../../integration/lab/lab.js';
import { keaLaunch } from '../dhcp4/servers.js';
import { keaConfig } from '../dhcp4/workload.js';

/** The bench workload's Kea configuration with a control socket: reservations 0..count-1, then `extra`. */
export function keaDhcp4Config(count: number, extra: readonly number[], iface: string, socketPath: string): string {
  return keaConfig([...Array.from({ length: count }, (_, i) => i), ...extra], iface, { controlSocket: socketPath });
}

/** Starts kea-dhcp4 in `ns` on `configJson`, written under `dir`. */
export function spawnKea(lab: Lab, ns: string, dir: string, configJson: string): ChildProcess {
  const configPath = join(dir, 'kea-reconfig.json');
  writeFileSync(configPath, configJson);
  const { args, env } = keaLaunch(dir, configPath);
  return lab.spawn(ns, 'kea-dhcp4', args, { env });
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
