// rackd.yaml: how the daemon runs (which IPAM file, which interfaces, where state and logs go). One typed
// options object with documented defaults, as ioredis's RedisOptions; CLI flags override the file.

import { existsSync } from 'node:fs';
import { z } from 'zod';
import { strictObject } from '../../protocol/ipam/field-schemas.js';
import { issuesToProblems } from '../../protocol/ipam/problem.js';
import type { IpamProblem } from '../../protocol/ipam/problem.js';
import { discoveryConfigSchema } from '../discovery/config-schema.js';
import type { DiscoveryConfig } from '../discovery/config-schema.js';
import type { LogFormat, LogLevel } from '../log/logger.js';
import { readYamlFile } from './ipam-file.js';
import { metricsListenSchema, rateLimitSchema } from './service-config.js';
import type { RateLimitConfig } from './service-config.js';

export const DEFAULT_CONFIG_PATH = '/etc/rackd/rackd.yaml';

export interface RackdOptions {
  /** Path of the IPAM file (subnets and reservations). @default '/etc/rackd/ipam.yaml' */
  ipam: string;
  /** Interfaces to serve DHCP on. @default [] — none: rackd refuses to start and says to set this */
  interfaces: string[];
  /** Directory for state that must survive restarts. @default '/var/lib/rackd' */
  state_dir: string;
  /** @default 'info' */
  log_level: LogLevel;
  /** `json` lines for journald, `pretty` for a person at a terminal. @default 'json' */
  log_format: LogFormat;
  /**
   * Region Redis URL: `redis://[user:pass@]host:6379/0`, `rediss://…` (TLS) or `unix:///run/redis.sock`.
   * Unset: standalone (IPAM file + SIGHUP). Set: the config comes from the region and `ipam` only bootstraps a
   * rack whose state dir holds no region config yet. @default undefined
   */
  redis?: string;
  /** This rack's id in the region. @default undefined (region sync needs it) */
  rack_id?: string;
  /** File holding the shared secret for the region. @default undefined */
  secret_file?: string;
  /** Key prefix in Redis (PROTOCOL.md §2). @default undefined ('rackd' when region sync is enabled) */
  prefix?: string;
  /** Network discovery (ARP/mDNS observation, scans, rogue DHCP, conflicts). @default undefined — off */
  discovery?: DiscoveryConfig;
  /**
   * Loopback HOST:PORT serving GET /metrics and /status (read by `rackd status`); '' turns it off.
   * @default undefined — '127.0.0.1:9467'
   */
  metrics_listen?: string;
  /**
   * DHCPv4 flood protection (see service-config.ts). @default undefined — per_mac 2/s burst 10, global 1000/s burst
   * 2000
   */
  rate_limit?: RateLimitConfig;
}

export const DEFAULT_OPTIONS: Readonly<RackdOptions> = Object.freeze({
  ipam: '/etc/rackd/ipam.yaml',
  interfaces: [],
  state_dir: '/var/lib/rackd',
  log_level: 'info',
  log_format: 'json',
});

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const satisfies readonly LogLevel[];
const LOG_FORMATS = ['json', 'pretty'] as const satisfies readonly LogFormat[];

const path = (what: string) =>
  z.string({ error: `${what} must be a path` }).min(1, { error: `${what} is empty — give a path` });
const IFNAME = /^[^\s/:]{1,15}$/;
const interfaceName = z.string().check((ctx) => {
  if (!IFNAME.test(ctx.value)) {
    ctx.issues.push({
      code: 'custom',
      message: `"${ctx.value}" is not an interface name — at most 15 characters, no spaces, '/' or ':'`,
      input: ctx.value,
    });
  }
});

const optionsSchema = strictObject({
  ipam: path('ipam').default(DEFAULT_OPTIONS.ipam),
  interfaces: z.array(interfaceName, { error: 'interfaces must be a list, like [eth1, eth2]' }).default([]),
  state_dir: path('state_dir').default(DEFAULT_OPTIONS.state_dir),
  log_level: z.enum(LOG_LEVELS, { error: `log_level must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  log_format: z.enum(LOG_FORMATS, { error: `log_format must be one of ${LOG_FORMATS.join(', ')}` }).default('json'),
  redis: z
    .string()
    .regex(/^(rediss?:\/\/|unix:\/\/\/)\S+$/, {
      error: 'redis must be a URL like redis://10.0.0.5:6379/0, rediss://… or unix:///run/redis.sock',
    })
    .optional(),
  rack_id: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, {
      error: 'rack_id must be 1–64 of A-Z a-z 0-9 . _ - (it becomes part of Redis key names)',
    })
    .optional(),
  secret_file: path('secret_file').optional(),
  prefix: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,64}$/, { error: 'prefix must be 1–64 of A-Z a-z 0-9 . _ : - (no braces)' })
    .optional(),
  discovery: discoveryConfigSchema.optional(),
  metrics_listen: metricsListenSchema.optional(),
  rate_limit: rateLimitSchema.optional(),
});

type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
export const OPTIONS_SCHEMA_MATCHES: Equals<z.output<typeof optionsSchema>, RackdOptions> = true;

export type DaemonConfigResult = { ok: true; options: RackdOptions } | { ok: false; problems: IpamProblem[] };

/**
 * Reads rackd.yaml. With no path, the default file is read when it exists and defaults are used when it
 * does not (so `rackd run --interface eth1` works without one); an explicit path must exist.
 */
export async function loadDaemonConfig(file?: string): Promise<DaemonConfigResult> {
  const target = file ?? (existsSync(DEFAULT_CONFIG_PATH) ? DEFAULT_CONFIG_PATH : undefined);
  if (target === undefined) return { ok: true, options: { ...DEFAULT_OPTIONS, interfaces: [] } };
  const read = await readYamlFile(target);
  if (!read.ok) return read;
  return parseDaemonConfig(read.value ?? {}, target);
}

/** Validates an already-decoded config document; problem paths are prefixed with the file name. */
export function parseDaemonConfig(input: unknown, source = 'rackd.yaml'): DaemonConfigResult {
  const result = optionsSchema.safeParse(input, { reportInput: true });
  if (result.success) return { ok: true, options: result.data };
  const problems = issuesToProblems(result.error.issues, []).map((p) => ({ ...p, path: `${source}: ${p.path}` }));
  return { ok: false, problems };
}

export interface CliFlags {
  ipam?: string | undefined;
  interfaces?: string[] | undefined;
  state_dir?: string | undefined;
  log_level?: string | undefined;
  log_format?: string | undefined;
  redis?: string | undefined;
  rack_id?: string | undefined;
  secret_file?: string | undefined;
  prefix?: string | undefined;
  metrics_listen?: string | undefined;
}

/** Flags given on the command line replace the file's values; `--interface` given at all replaces the list. */
export function mergeCliFlags(fileOptions: RackdOptions, flags: CliFlags): RackdOptions {
  const overrides = Object.fromEntries(
    Object.entries(flags).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)),
  );
  const merged = parseDaemonConfig({ ...fileOptions, ...overrides }, 'command line');
  if (merged.ok) return merged.options;
  // run.ts shows a thrown message with the usage text; name the flag, not the file field.
  throw new Error(merged.problems.map((p) => `${flagName(p.path)}: ${p.message}`).join('\n'));
}

function flagName(problemPath: string): string {
  const field = problemPath.replace(/^command line: /, '').replace(/\[.*$/, '');
  return field === 'interfaces' ? '--interface' : `--${field.replace(/_/g, '-')}`;
}
