// rackctl's dispatcher: argv → command handler → exit status, with every failure mapped to one message and
// one exit code (PROTOCOL.md §8 refusals are exit 1, usage 2, an unreachable Redis or a timeout 3).

import { RegionInputError, RegionPublishError } from '../../../protocol/region/region-errors.js';
import { COMMANDS, USAGE, commandUsage, parseRackctlArgs } from './args.js';
import type { CommandSpec } from './args.js';
import { SettingsError, UnreachableError, resolveSettings } from './connection.js';
import { EXIT, createContext } from './context.js';
import type { CommandHandler, CommandIo } from './context.js';
import {
  revision,
  reservationDelete,
  reservationPut,
  snapshotPush,
  subnetDelete,
  subnetPut,
} from './config-commands.js';
import { formatProblems } from './format.js';
import { call, eventsTail, racks } from './rack-commands.js';

const HANDLERS: Readonly<Record<string, CommandHandler>> = {
  'snapshot push': snapshotPush,
  'reservation put': reservationPut,
  'reservation delete': reservationDelete,
  'subnet put': subnetPut,
  'subnet delete': subnetDelete,
  revision,
  call,
  racks,
  'events tail': eventsTail,
};

// Every declared command has a handler; checked at load so a new row in COMMANDS cannot ship unwired.
for (const command of COMMANDS) {
  if (HANDLERS[command.words.join(' ')] === undefined)
    throw new Error(`rackctl: no handler for '${command.words.join(' ')}'`);
}

function usageError(io: CommandIo, message: string, command?: CommandSpec): number {
  io.err(`rackctl: ${message}\n\n${command === undefined ? USAGE : commandUsage(command)}`);
  return EXIT.usage;
}

/** ioredis's own errors after a successful connect (the server went away mid-command) count as unreachable. */
function isConnectionError(error: Error): boolean {
  return /Connection is closed|MaxRetriesPerRequest|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE/.test(error.message);
}

function reportFailure(io: CommandIo, error: unknown, command: CommandSpec): number {
  if (error instanceof SettingsError) return usageError(io, error.message, command);
  if (error instanceof RegionInputError) {
    for (const line of formatProblems(error.problems, command.words.join(' '))) io.err(line);
    return EXIT.failed;
  }
  if (error instanceof RegionPublishError) {
    io.err(`rackctl: ${error.message}`);
    return EXIT.failed;
  }
  if (error instanceof UnreachableError || (error instanceof Error && isConnectionError(error))) {
    io.err(`rackctl: ${(error as Error).message}`);
    return EXIT.unreachable;
  }
  io.err(`rackctl: ${command.words.join(' ')} failed: ${error instanceof Error ? error.message : String(error)}`);
  return EXIT.failed;
}

/** Runs one invocation. `env` and `signal` are parameters so tests can drive it without a process. */
export async function rackctl(
  argv: readonly string[],
  io: CommandIo,
  env: NodeJS.ProcessEnv,
  signal: AbortSignal,
): Promise<number> {
  const outcome = parseRackctlArgs(argv);
  if (outcome.kind === 'usage-error') return usageError(io, outcome.message, outcome.command);
  if (outcome.kind === 'help') {
    io.out(outcome.command === undefined ? USAGE : commandUsage(outcome.command));
    return EXIT.ok;
  }
  const { parsed } = outcome;
  let settings;
  try {
    settings = resolveSettings(parsed.values, env);
  } catch (error) {
    return reportFailure(io, error, parsed.command);
  }
  const ctx = createContext(io, settings, signal);
  try {
    return await (HANDLERS[parsed.command.words.join(' ')] as CommandHandler)(ctx, parsed);
  } catch (error) {
    return reportFailure(io, error, parsed.command);
  } finally {
    ctx.close();
  }
}
