/** Problems about query parameters that the route schemas cannot catch by themselves. */
import { ApiError } from '../errors.js';

/** A cursor this service did not issue (or one of another listing). */
export function invalidCursor(): ApiError {
  return new ApiError('VALIDATION_FAILED', 'The cursor is not one this service issued.', {
    errors: [
      {
        pointer: '/cursor',
        in: 'querystring',
        code: 'INVALID_CURSOR',
        message: 'Pass the nextCursor of a previous page unchanged, or leave cursor out.',
      },
    ],
  });
}
