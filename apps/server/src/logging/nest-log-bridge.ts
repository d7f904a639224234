import type { LoggerService } from '@nestjs/common';
import type { Logger } from 'pino';

/** Nest's own start-up chatter goes to debug with `event: "nest"`; its warnings and errors stay visible. */
export class NestLogBridge implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.debug({ event: 'nest', context }, String(message));
  }

  debug(message: unknown, context?: string): void {
    this.logger.debug({ event: 'nest', context }, String(message));
  }

  verbose(message: unknown, context?: string): void {
    this.logger.trace({ event: 'nest', context }, String(message));
  }

  warn(message: unknown, context?: string): void {
    this.logger.warn({ event: 'nest.warning', context }, String(message));
  }

  error(message: unknown, stack?: string, context?: string): void {
    this.logger.error({ event: 'nest.error', context, stack }, String(message));
  }

  fatal(message: unknown, context?: string): void {
    this.logger.fatal({ event: 'nest.error', context }, String(message));
  }
}
