/**
 * A minimal logger. Everything goes to stderr: stdout carries only the one `Gridlink listening on ...` line
 * that scripts and tests parse.
 */
export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string, err?: unknown): void;
}

export const stderrLogger: Logger = {
  info: (msg) => process.stderr.write(`${new Date().toISOString()} info  ${msg}\n`),
  warn: (msg) => process.stderr.write(`${new Date().toISOString()} warn  ${msg}\n`),
  error: (msg, err) =>
    process.stderr.write(`${new Date().toISOString()} error ${msg}${err ? `: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}` : ''}\n`),
};

/** For tests: only errors, which always matter. */
export const quietLogger: Logger = { info: () => {}, warn: () => {}, error: stderrLogger.error };
