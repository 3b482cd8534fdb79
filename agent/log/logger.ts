// Structured logs: pino JSON lines on stdout (journald keeps them), or pino-pretty for a person at a terminal.
// Every line carries a stable `event` name (Kea's message-ID habit) so tests and operators can match on it.

import pino from 'pino';
import type { Logger } from 'pino';

export type { Logger };
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
export type LogFormat = 'json' | 'pretty';

export interface LoggerOptions {
  /** @default 'info' */
  level?: LogLevel;
  /** @default 'json' */
  format?: LogFormat;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  if (options.format === 'pretty') {
    return pino({ level, transport: { target: 'pino-pretty', options: { colorize: true, messageKey: 'msg' } } });
  }
  // Synchronous stdout keeps line order with child processes in tests and loses nothing on exit.
  return pino({ level, base: { service: 'rackd' } }, pino.destination({ dest: 1, sync: true }));
}
