/** Errors the audit log raises. Their codes are stable: clients and operators key on them. */

export const AUDIT_UNAVAILABLE = 'AUDIT_UNAVAILABLE';

/** The record could not be made durable; the operation must be refused (fail closed). */
export class AuditUnavailableError extends Error {
  readonly code = AUDIT_UNAVAILABLE;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AuditUnavailableError';
  }
}
