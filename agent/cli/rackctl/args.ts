// rackctl's command line (node:util parseArgs): global connection flags, then a one- or two-word command with
// its own flags. Pure: argv in, a parsed command or a usage error naming the fix out; nothing is opened here.

import { parseArgs } from 'node:util';

type OptionSpec = { type: 'string' | 'boolean'; multiple?: boolean; short?: string };

/** Flags every command takes; their defaults come from the environment (see USAGE). */
export const GLOBAL_OPTIONS = {
  redis: { type: 'string' },
  prefix: { type: 'string' },
  'secret-file': { type: 'string' },
  timeout: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Record<string, OptionSpec>;

export interface CommandSpec {
  /** The command words, e.g. `['reservation', 'put']`. */
  words: readonly string[];
  /** Positional arguments after the words: [required, maximum]. */
  positionals: readonly [number, number];
  /** `usage:` line after `rackctl [global options]`. */
  synopsis: string;
  summary: string;
  options: Readonly<Record<string, OptionSpec>>;
  /** Flags that must be given. */
  required?: readonly string[];
}

const str = { type: 'string' } as const;
const bool = { type: 'boolean' } as const;

export const COMMANDS: readonly CommandSpec[] = [
  {
    words: ['snapshot', 'push'],
    positionals: [1, 1],
    synopsis: 'snapshot push IPAM.yaml',
    summary: 'validate an IPAM file (the standalone format) and publish it as the full config',
    options: {},
  },
  {
    words: ['reservation', 'put'],
    positionals: [0, 0],
    synopsis: 'reservation put --mac MAC --ip IP [--hostname H] [--subnet CIDR] [--client-id HEX]',
    summary: 'create or replace the reservation of MAC (in its subnet)',
    options: { mac: str, ip: str, hostname: str, subnet: str, 'client-id': str },
    required: ['mac', 'ip'],
  },
  {
    words: ['reservation', 'delete'],
    positionals: [0, 0],
    synopsis: 'reservation delete --mac MAC [--subnet CIDR]',
    summary: "delete MAC's reservations (in every subnet, or in CIDR)",
    options: { mac: str, subnet: str },
    required: ['mac'],
  },
  {
    words: ['subnet', 'put'],
    positionals: [0, 0],
    synopsis:
      'subnet put [--file SUBNET.yaml] [--cidr CIDR] [--gateway IP] [--server-ip IP] [--vid N] [--dns-servers ' +
      'IP,…] [--domain D] [--lease-time S] [--mtu N]',
    summary: 'create or replace a subnet (flags override the file), keeping its reservations',
    options: {
      file: str,
      cidr: str,
      gateway: str,
      'server-ip': str,
      vid: str,
      'dns-servers': str,
      domain: str,
      'lease-time': str,
      mtu: str,
    },
  },
  {
    words: ['subnet', 'delete'],
    positionals: [0, 0],
    synopsis: 'subnet delete --cidr CIDR',
    summary: 'delete a subnet and the reservations in it',
    options: { cidr: str },
    required: ['cidr'],
  },
  {
    words: ['revision'],
    positionals: [0, 0],
    synopsis: 'revision',
    summary: "print the region's last published revision",
    options: {},
  },
  {
    words: ['call'],
    positionals: [2, 3],
    synopsis: "call RACK METHOD ['{JSON params}']",
    summary: 'call METHOD on RACK and print its JSON result',
    options: {},
  },
  {
    words: ['racks'],
    positionals: [0, 0],
    synopsis: 'racks [--json]',
    summary: 'list racks seen, with their sync state and revision',
    options: { json: bool },
  },
  {
    words: ['events', 'tail'],
    positionals: [0, 0],
    synopsis: 'events tail [--group G] [--consumer C] [--max N] [--idle-exit MS]',
    summary: 'print rack events as JSON lines, read through consumer group G (default rackctl)',
    options: { group: str, consumer: str, max: str, 'idle-exit': str },
  },
];

export type OptionValues = Record<string, string | boolean | undefined>;

export interface ParsedCommand {
  command: CommandSpec;
  values: OptionValues;
  positionals: string[];
}

export type ParseOutcome =
  | { kind: 'command'; parsed: ParsedCommand }
  | { kind: 'help'; command?: CommandSpec }
  | { kind: 'usage-error'; message: string; command?: CommandSpec };

/** Every flag any command knows, so flags may come before or after the command words. */
function allOptions(): Record<string, OptionSpec> {
  const all: Record<string, OptionSpec> = { ...GLOBAL_OPTIONS };
  for (const command of COMMANDS) Object.assign(all, command.options);
  return all;
}

function findCommand(positionals: string[]): CommandSpec | undefined {
  // Longest match first, so a one-word command never shadows a two-word one.
  return [...COMMANDS]
    .sort((a, b) => b.words.length - a.words.length)
    .find((c) => c.words.every((word, i) => positionals[i] === word));
}

function commandGroupHint(positionals: string[]): string {
  const first = positionals[0];
  const group = COMMANDS.filter((c) => c.words[0] === first && c.words.length > 1);
  if (first === undefined) return 'no command given';
  if (group.length > 0)
    return (
      `'${positionals.slice(0, 2).join(' ')}' is not a command: use ` +
      `${group.map((c) => `'${c.words.join(' ')}'`).join(' or ')}`
    );
  return `unknown command '${first}'`;
}

export function parseRackctlArgs(argv: readonly string[]): ParseOutcome {
  let values: OptionValues;
  let words: string[];
  try {
    const parsed = parseArgs({ args: [...argv], options: allOptions(), strict: true, allowPositionals: true });
    values = parsed.values as OptionValues;
    words = parsed.positionals;
  } catch (error) {
    return { kind: 'usage-error', message: (error as Error).message };
  }
  const command = findCommand(words);
  if (command === undefined)
    return values.help ? { kind: 'help' } : { kind: 'usage-error', message: commandGroupHint(words) };
  if (values.help) return { kind: 'help', command };
  const allowed = new Set([...Object.keys(GLOBAL_OPTIONS), ...Object.keys(command.options)]);
  const name = command.words.join(' ');
  const stray = Object.keys(values).find((key) => !allowed.has(key));
  if (stray !== undefined)
    return { kind: 'usage-error', message: `option --${stray} does not apply to '${name}'`, command };
  const missing = (command.required ?? []).find((key) => values[key] === undefined);
  if (missing !== undefined) return { kind: 'usage-error', message: `'${name}' needs --${missing}`, command };
  const positionals = words.slice(command.words.length);
  const [min, max] = command.positionals;
  if (positionals.length < min || positionals.length > max) {
    return {
      kind: 'usage-error',
      message:
        `'${name}' takes ${min === max ? min : `${min}–${max}`} argument${max === 1 ? '' : 's'}, got ` +
        `${positionals.length}: ${command.synopsis}`,
      command,
    };
  }
  return { kind: 'command', parsed: { command, values, positionals } };
}

/** A whole number flag ≥ min; the message names the flag. */
export function integerFlag(values: OptionValues, name: string, min = 0): number | undefined | Error {
  const text = values[name];
  if (text === undefined || typeof text === 'boolean') return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min)
    return new Error(`--${name} must be a whole number ≥ ${min}, got '${text}'`);
  return Number(text);
}

export function stringFlag(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export const USAGE = `usage: rackctl [global options] <command> [options]

Talks to the region's Redis as the region does (PROTOCOL.md): publishes config, calls racks, reads events.

commands:
${COMMANDS.map((c) => `  ${c.synopsis}\n      ${c.summary}`).join('\n')}

global options (flags override the environment):
  --redis URL          Redis URL, redis://[user:pass@]host:port[/db] or rediss:// for TLS
                       (env RACKD_REDIS; default redis://127.0.0.1:6379)
  --prefix P           key prefix (env RACKD_PREFIX; default rackd)
  --secret-file FILE   shared HMAC secret (env RACKD_SECRET_FILE; default /etc/rackd/region.secret)
  --timeout MS         how long to wait for Redis and for an RPC reply (default 5000)

exit status: 0 done, 1 refused or failed (an RPC error reply, invalid input), 2 usage error,
             3 Redis unreachable or no reply in time`;

export function commandUsage(command: CommandSpec): string {
  return (
    `usage: rackctl [global options] ${command.synopsis}\n\n${command.summary}\n\nrackctl --help lists ` +
    `the global options`
  );
}
