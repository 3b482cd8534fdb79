// rackctl's commands that face racks: `call` (RPC, PROTOCOL.md §6), `racks` (heartbeats, §7.1) and
// `events tail` (the event stream through a consumer group, §5.3).

import { hostname } from 'node:os';
import { isValidRackId } from '../../../protocol/region/keys.js';
import { RpcCallError } from '../../../protocol/region/region-errors.js';
import type { RpcMethod } from '../../../protocol/region/rpc-methods.js';
import { integerFlag, stringFlag } from './args.js';
import { SettingsError } from './connection.js';
import { EXIT } from './context.js';
import type { CommandHandler } from './context.js';
import { formatDelivered, formatRacksTable, racksJson } from './format.js';

const METHOD_TEXT = /^[a-z][a-z0-9.-]{0,63}$/;

/** The call's params: a JSON object, `{}` when omitted. Throws SettingsError naming the problem. */
export function parseCallParams(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SettingsError(
      `params are not JSON (${(error as Error).message}): quote them, e.g. '{"mac":"52:54:00:12:34:56"}'`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new SettingsError('params must be a JSON object, e.g. \'{"limit":10}\'');
  return value as Record<string, unknown>;
}

/**
 * Prints the result as JSON. An error reply is printed as `{"error": {code, message, field?}}` too (and the
 * message on stderr), so scripts read one shape; exit 1 for an error reply, 3 when no reply came in time.
 */
export const call: CommandHandler = async (ctx, { positionals }) => {
  const [rack = '', method = '', paramsText] = positionals;
  if (!isValidRackId(rack)) throw new SettingsError(`rack id '${rack}' is invalid: use 1–64 of A-Z a-z 0-9 . _ -`);
  if (!METHOD_TEXT.test(method))
    throw new SettingsError(`method '${method}' is not a method name (like status or discovery.clear)`);
  const params = parseCallParams(paramsText);
  const client = await ctx.client();
  try {
    // Methods this rackctl does not know are sent as they are: the rack is the judge (a newer rack may know
    // them, an older one answers `unknown-method`), so the cast only widens what RegionClient will send.
    const result = await client.call(rack, method as RpcMethod, params, { timeoutMs: ctx.settings.timeoutMs });
    ctx.io.out(JSON.stringify(result, null, 2));
    return EXIT.ok;
  } catch (error) {
    if (!(error instanceof RpcCallError)) throw error;
    ctx.io.out(
      JSON.stringify(
        { error: { code: error.code, message: error.detail, ...(error.field ? { field: error.field } : {}) } },
        null,
        2,
      ),
    );
    ctx.io.err(`rackctl: ${error.message}`);
    return error.code === 'timeout' ? EXIT.unreachable : EXIT.failed;
  }
};

export const racks: CommandHandler = async (ctx, { values }) => {
  const list = await (await ctx.client()).racks();
  if (values.json) ctx.io.out(racksJson(list));
  else for (const line of formatRacksTable(list, Date.now())) ctx.io.out(line);
  return EXIT.ok;
};

function numberOption(value: number | undefined | Error): number | undefined {
  if (value instanceof Error) throw new SettingsError(value.message);
  return value;
}

/**
 * Follows the event stream until interrupted, at least --max events (whole entries), or --idle-exit ms without one. Its
 * own group by
 * default: acking in `region` would tell racks the region has these events (PROTOCOL.md §5.4) when it has not.
 */
export const eventsTail: CommandHandler = async (ctx, { values }) => {
  const group = stringFlag(values, 'group') ?? 'rackctl';
  const consumer = stringFlag(values, 'consumer') ?? hostname().replace(/[^A-Za-z0-9._-]/g, '-');
  const max = numberOption(integerFlag(values, 'max', 1));
  const idleExit = numberOption(integerFlag(values, 'idle-exit', 1));
  if (group === 'region')
    ctx.io.err(
      "note: reading as group 'region' acknowledges events for the region; racks then drop them from their journals",
    );
  const client = await ctx.client({ reconnect: true });
  let printed = 0;
  let lastActivity = Date.now();
  while (!ctx.signal.aborted && (max === undefined || printed < max)) {
    const idleLeft = idleExit === undefined ? Infinity : idleExit - (Date.now() - lastActivity);
    if (idleLeft <= 0) break;
    // Whole entries only, and all their events: what is acked has been printed.
    const count = max === undefined ? 100 : Math.min(100, max - printed);
    const delivery = await client.consumeEvents({ group, consumer, count, blockMs: Math.min(1000, idleLeft) });
    for (const entry of delivery.entries) {
      const { out, err } = formatDelivered(entry);
      for (const line of out) ctx.io.out(line);
      printed += out.length;
      for (const line of err) ctx.io.err(line);
    }
    if (delivery.entries.length > 0) lastActivity = Date.now();
    await delivery.ack();
  }
  return EXIT.ok;
};
