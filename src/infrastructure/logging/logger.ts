import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';
import { maskPersonalData } from '../event-store/personal-data';

/**
 * Structured JSON logs. Bodies are never logged (nothing here serialises them), and as a second line of
 * defence every field that could carry a secret or personal data is redacted by name.
 */
export function createLogger(level: string = process.env.LOG_LEVEL ?? 'info', options: { async?: boolean } = {}): Logger {
  // The service writes asynchronously: lines written while a write is under way go out together, instead of one
  // system call per line on the request thread; pino flushes what is left when the process exits.
  // A log reader that stops reading must not take the service's memory with it: past 16 MiB waiting, lines are dropped.
  const destination = pino.destination({ dest: 1, sync: !options.async, ...(options.async ? { maxLength: 16 * 1024 * 1024 } : {}) });
  return pino(
    {
      level,
      base: { service: 'nik-gateway' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          '*.password',
          '*.nik',
          '*.NIK',
          '*.kk',
          '*.token',
          '*.accessToken',
          '*.verificationToken',
          '*.newPassword',
          '*.currentPassword',
          'verificationToken',
          'password',
          'nik',
          'token',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

/** The path of a URL fit for a log line: query string dropped, percent-decoded, NIK/KK-shaped runs masked. */
export function safePath(url: string | undefined): string {
  const path = (url ?? '').split('?')[0] ?? '';
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    decoded = path.replace(/%[0-9a-f]{2}/gi, ' '); // malformed escapes: treat them as separators
  }
  return maskPersonalData(decoded).slice(0, 200);
}

/** Nest's logger interface over pino, so framework messages are structured too. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}
