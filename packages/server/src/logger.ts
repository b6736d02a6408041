/** The little the server needs from a logger; pino, winston and console all fit. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

const write =
  (stream: NodeJS.WriteStream, level: string) =>
  (message: string, fields?: Record<string, unknown>): void => {
    const extra = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(fields, errorReplacer)}` : '';
    stream.write(`${new Date().toISOString()} ${level} ${message}${extra}\n`);
  };

// Errors stringify to `{}` by default, which would hide exactly what an operator needs.
function errorReplacer(_key: string, value: unknown): unknown {
  return value instanceof Error ? { name: value.name, message: value.message, stack: value.stack } : value;
}

export const consoleLogger: Logger = {
  info: write(process.stdout, 'info'),
  warn: write(process.stderr, 'warn'),
  error: write(process.stderr, 'error'),
};

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };
