/**
 * Errors of the storage beyond the contract's own (InvalidCursorError, in store.ts). Callers
 * branch on the class, never on the message.
 */

/** Thrown by saveIntegration for an id that was never created. */
export class UnknownIntegrationError extends Error {
  constructor(readonly integrationId: string) {
    super(`no integration with id "${integrationId}" is stored`);
    this.name = 'UnknownIntegrationError';
  }
}
