// `rackd run`: load options (config file, then flags over it), start the daemon in the foreground,
// reload on SIGHUP, stop cleanly on SIGTERM/SIGINT. Any fatal error exits non-zero with one clear log line.

import { parseArgs } from 'node:util';
import { loadDaemonConfig, mergeCliFlags } from '../config/daemon-config.js';
import type { RackdOptions as FileOptions } from '../config/daemon-config.js';
import { Rackd } from '../daemon/rackd.js';
import { StartupError } from '../daemon/rackd-options.js';
import { createLogger } from '../log/logger.js';
import { ServiceShell, installFatalHandlers } from '../service/service-shell.js';
import { rateLimitOptions } from '../config/service-config.js';
import { readSecretFile } from '../config/secret-file.js';
import type { RegionModeOptions } from '../region/region-mode.js';
import type { LogFormat, LogLevel } from '../log/logger.js';

const HELP = `usage: rackd run [--config FILE] [--ipam FILE] [--interface NAME]… [--state-dir DIR]
                 [--log-level fatal|error|warn|info|debug|trace] [--log-format json|pretty]
                 [--redis URL --rack-id ID --secret-file FILE [--prefix P]] [--metrics-listen HOST:PORT|'']

Flags override the config file (default /etc/rackd/rackd.yaml when it exists).
With --redis the config comes from the region (redis://, rediss:// or unix:///path) and is kept in
<state-dir>/region; --ipam is then only read on first boot, when the state dir holds no region config.`;

const FLAGS = {
  config: { type: 'string' },
  ipam: { type: 'string' },
  interface: { type: 'string', multiple: true },
  'state-dir': { type: 'string' },
  'log-level': { type: 'string' },
  'log-format': { type: 'string' },
  redis: { type: 'string' },
  'rack-id': { type: 'string' },
  'secret-file': { type: 'string' },
  prefix: { type: 'string' },
  'metrics-listen': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function resolveOptions(argv: string[]): Promise<FileOptions | number> {
  const { values } = parseArgs({ args: argv, options: FLAGS, strict: true });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const loaded = await loadDaemonConfig(values.config);
  if (!loaded.ok) {
    console.error(
      `rackd: config file is invalid:\n  ${loaded.problems.map((p) => `${p.path}: ${p.message}`).join('\n  ')}`,
    );
    return 1;
  }
  return mergeCliFlags(loaded.options, {
    ipam: values.ipam,
    interfaces: values.interface,
    state_dir: values['state-dir'],
    log_level: values['log-level'] as LogLevel | undefined,
    log_format: values['log-format'] as LogFormat | undefined,
    redis: values.redis,
    rack_id: values['rack-id'],
    secret_file: values['secret-file'],
    prefix: values.prefix,
    metrics_listen: values['metrics-listen'],
  });
}

export async function run(argv: string[]): Promise<number> {
  let options: FileOptions | number;
  try {
    options = await resolveOptions(argv);
  } catch (error) {
    console.error(`rackd: ${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (typeof options === 'number') return options;

  const logger = createLogger({ level: options.log_level, format: options.log_format });
  installFatalHandlers(logger);
  if (options.interfaces.length === 0) {
    logger.fatal(
      { event: 'rackd.fatal' },
      'no interfaces to serve: pass --interface NAME or set `interfaces:` in the config file',
    );
    return 1;
  }
  let region: RegionModeOptions | undefined;
  try {
    region = await regionOptions(options);
  } catch (error) {
    logger.fatal({ event: 'rackd.fatal' }, (error as Error).message);
    return 1;
  }
  const rackd = new Rackd({
    ipamPath: options.ipam,
    interfaces: options.interfaces,
    stateDir: options.state_dir,
    logger,
    region,
    discovery: options.discovery,
    rateLimit: rateLimitOptions(options.rate_limit),
  });
  const service = new ServiceShell(rackd, { logger, metricsListen: options.metrics_listen });
  const starting = (async () => {
    await rackd.start();
    await service.start();
  })();
  // Before the first await: a SIGHUP that arrives while starting (systemd's reload right after READY=1) must
  // queue a reload, not meet Node's default action and kill the daemon.
  reloadOnSighup(rackd, logger, starting);
  try {
    await starting;
  } catch (error) {
    const message = error instanceof StartupError ? error.message : String((error as Error).stack ?? error);
    logger.fatal({ event: 'rackd.fatal' }, message);
    rackd.close();
    service.close();
    return 1;
  }
  const code = await serveUntilSignalled(rackd, logger);
  service.close();
  return code;
}

/** Region mode needs all three of --redis, --rack-id and --secret-file; the secret is read once, here. */
async function regionOptions(options: FileOptions): Promise<RegionModeOptions | undefined> {
  if (options.redis === undefined) return undefined;
  if (options.rack_id === undefined)
    throw new Error(
      '--redis needs --rack-id ID (or `rack_id:` in the config file): the name this rack has in the region',
    );
  if (options.secret_file === undefined) {
    throw new Error(
      '--redis needs --secret-file FILE (or `secret_file:`): the secret shared with the region, e.g. `openssl ' +
        'rand -hex 32 > /etc/rackd/region.secret`',
    );
  }
  const secret = readSecretFile(
    options.secret_file,
    (path, code) =>
      `region secret file ${path} cannot be read (${code}): create it with \`openssl rand -hex 32 > ${path}\` ` +
      `and give it to the rackd user only`,
  );
  return {
    redisUrl: options.redis,
    rackId: options.rack_id,
    secret,
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
  };
}

/** Reloads queue behind start-up and behind each other, so two quick SIGHUPs never interleave. */
function reloadOnSighup(rackd: Rackd, logger: ReturnType<typeof createLogger>, starting: Promise<void>): void {
  let reloading = starting.then(
    () => true,
    () => false,
  );
  process.on('SIGHUP', () => {
    reloading = reloading
      .then(async (started) => {
        if (started) await rackd.reload();
        return started;
      })
      .catch((error: unknown) => {
        logger.error(
          { event: 'config.reload-failed', err: error },
          'reload failed; the last good config keeps serving',
        );
        return true;
      });
  });
}

function serveUntilSignalled(rackd: Rackd, logger: ReturnType<typeof createLogger>): Promise<number> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      logger.info({ event: 'rackd.stopping', signal }, `${signal} received, stopping`);
      rackd.close();
      // Unsent events go to the journal and the region state to disk before the process ends.
      void rackd.closed().finally(() => resolve(0));
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
