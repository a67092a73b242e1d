// Structured JSON logging for one pod, one object per line, the way pino/zap-style loggers write
// them. Lines go to the container's log through ContainerLaunch.log (the kubelet timestamps them).
import type { LogLevel } from './config';

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export type LogFields = Record<string, string | number | boolean | undefined>;

export class PodLogger {
  constructor(
    private readonly write: (line: string) => void,
    private level: LogLevel,
    private readonly base: LogFields,
  ) {}

  setLevel(level: LogLevel): void {
    this.level = level;
  }

  enabled(level: LogLevel): boolean {
    return RANK[level] >= RANK[this.level];
  }

  log(level: LogLevel, msg: string, fields: LogFields = {}): void {
    if (!this.enabled(level)) return;
    // Field order mirrors common loggers: time, level, msg first, context after.
    this.write(JSON.stringify({ time: new Date().toISOString(), level, msg, ...this.base, ...fields }));
  }

  debug(msg: string, fields?: LogFields): void {
    this.log('debug', msg, fields);
  }
  info(msg: string, fields?: LogFields): void {
    this.log('info', msg, fields);
  }
  warn(msg: string, fields?: LogFields): void {
    this.log('warn', msg, fields);
  }
  error(msg: string, fields?: LogFields): void {
    this.log('error', msg, fields);
  }
}
