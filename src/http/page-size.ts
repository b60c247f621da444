/**
 * The page size (`limit`) of a listing's query string: the audit trail's and the integration
 * list's. ajv coerces any text Number() reads, so "1e2", "0x10" and "+5" would be taken as
 * 100, 16 and 5 while "1.5" is refused; only decimal digits are let through to the schema.
 */
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { ApiError } from '../errors.js';
import { PAGE_LIMIT } from '../storage/page-limit.js';

const DECIMAL_DIGITS = /^[0-9]+$/;

/** A preValidation hook: refuses a limit not written in decimal digits, before ajv coerces it. */
export function requireDecimalLimit(
  request: FastifyRequest,
  _reply: FastifyReply,
  done: HookHandlerDoneFunction,
): void {
  const limit = (request.query as Record<string, unknown> | undefined)?.limit;
  if (limit === undefined || (typeof limit === 'string' && DECIMAL_DIGITS.test(limit))) {
    done();
    return;
  }
  done(notDecimalLimit());
}

function notDecimalLimit(): ApiError {
  return new ApiError('VALIDATION_FAILED', 'Some parameters are not valid; see errors.', {
    errors: [
      {
        pointer: '/limit',
        in: 'querystring',
        code: 'INVALID_VALUE',
        message:
          `querystring /limit must be a whole number in decimal digits, from ` +
          `${PAGE_LIMIT.min} to ${PAGE_LIMIT.max}, e.g. limit=50.`,
      },
    ],
  });
}
