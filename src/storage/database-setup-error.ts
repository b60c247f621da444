/**
 * The database named by DATABASE_URL cannot be used as configured: no connection, no schema, a
 * missing folder. The message names the variable and says what to do; the server prints it and
 * exits 2, as for any other configuration error, instead of a stack trace.
 */
export class DatabaseSetupError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'DatabaseSetupError';
  }
}
