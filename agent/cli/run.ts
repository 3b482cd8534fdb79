// `rackd run`: load options (config file, then flags over it), start the daemon in the foreground,
// reload on SIGHUP, stop cleanly on SIGTERM/SIGINT. Any fatal error exits non-zero with one clear log line.

import { parseArgs } from 'node:util';
import { loadDaemonConfig, mergeCliFlags } from '../config/daemon-config.js';
import type { RackdOptions as FileOptions } from '../config/daemon-config.js';
import { Rackd, StartupError } from '../daemon/rackd.js';
import { createLogger } from '../log/logger.js';
import type { LogFormat, LogLevel } from '../log/logger.js';

const HELP = `usage: rackd run [--config FILE] [--ipam FILE] [--interface NAME]… [--state-dir DIR]
                 [--log-level fatal|error|warn|info|debug|trace] [--log-format json|pretty]

Flags override the config file (default /etc/rackd/rackd.yaml when it exists).`;

const FLAGS = {
  config: { type: 'string' },
  ipam: { type: 'string' },
  interface: { type: 'string', multiple: true },
  'state-dir': { type: 'string' },
  'log-level': { type: 'string' },
  'log-format': { type: 'string' },
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
    console.error(`rackd: config file is invalid:\n  ${loaded.problems.map((p) => `${p.path}: ${p.message}`).join('\n  ')}`);
    return 1;
  }
  return mergeCliFlags(loaded.options, {
    ipam: values.ipam,
    interfaces: values.interface,
    state_dir: values['state-dir'],
    log_level: values['log-level'] as LogLevel | undefined,
    log_format: values['log-format'] as LogFormat | undefined,
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
  if (options.interfaces.length === 0) {
    logger.fatal({ event: 'rackd.fatal' }, 'no interfaces to serve: pass --interface NAME or set `interfaces:` in the config file');
    return 1;
  }
  const rackd = new Rackd({ ipamPath: options.ipam, interfaces: options.interfaces, stateDir: options.state_dir, logger });
  try {
    await rackd.start();
  } catch (error) {
    const message = error instanceof StartupError ? error.message : String((error as Error).stack ?? error);
    logger.fatal({ event: 'rackd.fatal' }, message);
    rackd.close();
    return 1;
  }
  return serveUntilSignalled(rackd, logger);
}

function serveUntilSignalled(rackd: Rackd, logger: ReturnType<typeof createLogger>): Promise<number> {
  let reloading = Promise.resolve();
  process.on('SIGHUP', () => {
    // Reloads queue behind each other so two quick SIGHUPs never interleave.
    reloading = reloading.then(() => rackd.reload()).catch((error: unknown) => {
      logger.error({ event: 'config.reload-failed', err: error }, 'reload failed; the last good config keeps serving');
    });
  });
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      logger.info({ event: 'rackd.stopping', signal }, `${signal} received, stopping`);
      rackd.close();
      resolve(0);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}
