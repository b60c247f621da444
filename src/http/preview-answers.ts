/**
 * How a preview (POST /vault-integrations?dryRun=true) is asked for and answered: 200 with the
 * plan, or the problem a create would have met before its first write.
 */
import { ApiError, ERRORS, type ErrorCode } from '../errors.js';
import type { IntegrationPreview } from '../orchestration/preview.js';
import type { PreviewResult } from '../orchestration/integration-service.js';

/** Whether the query asks for a preview; anything but true or false is refused. */
export function isDryRun(query: unknown): boolean {
  const value = (query as { dryRun?: unknown } | undefined)?.dryRun;
  if (value === undefined || value === 'false') return false;
  if (value === 'true' || value === '') return true;
  throw new ApiError('VALIDATION_FAILED', 'The dryRun parameter is not valid.', {
    errors: [
      {
        pointer: '/dryRun',
        in: 'querystring',
        code: 'INVALID_VALUE',
        message: 'Send dryRun=true for a preview, or leave dryRun out to create the integration.',
      },
    ],
  });
}

/** The plan to answer with 200, or throws the problem that describes why there is none. */
export function answerPreview(result: PreviewResult): IntegrationPreview {
  switch (result.kind) {
    case 'previewed':
      return result.preview;
    case 'invalid':
      throw new ApiError('VALIDATION_FAILED', 'The request has problems; see errors.', {
        errors: result.errors,
        warnings: result.warnings,
      });
    case 'read-failed': {
      const { code, detail } = result.failure;
      const known: ErrorCode = code in ERRORS ? (code as ErrorCode) : 'INTERNAL_ERROR';
      throw new ApiError(known, detail, { failure: result.failure });
    }
  }
}
