/**
 * How a preview (POST /vault-integrations?dryRun=true) is asked for and answered: 200 with the
 * plan, or the problem a create would have met before its first write.
 */
import { ApiError, ERRORS, type ErrorCode } from '../errors.js';
import type { IntegrationPreview } from '../orchestration/preview.js';
import type { PreviewResult } from '../orchestration/integration-service.js';
import { unknownQueryParameter } from './schema-errors.js';

/** The query parameters POST /vault-integrations has. */
const CREATE_PARAMETERS = new Set(['dryRun']);

/**
 * Whether the query asks for a preview. The route's schemas do not check this query (the body
 * is left to the domain validator), so it is checked here, as strictly as the GET routes check
 * theirs: a misspelt ?dryrun=true that were ignored would create the integration for real.
 */
export function isDryRun(query: unknown): boolean {
  const parameters = (query ?? {}) as Record<string, unknown>;
  const errors = Object.keys(parameters)
    .filter((name) => !CREATE_PARAMETERS.has(name))
    .map(unknownQueryParameter);
  const value = parameters.dryRun;
  if (value !== undefined && value !== 'true' && value !== 'false') {
    errors.push({
      pointer: '/dryRun',
      in: 'querystring',
      code: 'INVALID_VALUE',
      message:
        'dryRun must be exactly true or false: send dryRun=true for a preview, or dryRun=false ' +
        '(or no dryRun) to create the integration.',
    });
  }
  if (errors.length > 0) {
    throw new ApiError('VALIDATION_FAILED', 'Some parameters are not valid; see errors.', {
      errors,
    });
  }
  return value === 'true';
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
