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

/** A time bound the store cannot use (e.g. past year 9999 once its offset is applied). */
export function outOfRange(error: RangeError): ApiError {
  const parameter = /^(\w+)\b/.exec(error.message)?.[1] ?? '';
  return new ApiError('VALIDATION_FAILED', 'A parameter is out of range; see errors.', {
    errors: [
      {
        pointer: `/${parameter}`,
        in: 'querystring',
        code: 'INVALID_VALUE',
        message: error.message,
      },
    ],
  });
}
