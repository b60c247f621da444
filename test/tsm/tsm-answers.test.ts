import { describe, expect, it } from 'vitest';
import { deleteAnswer, readAnswer, writeAnswer } from '../../src/tsm/tsm-answers.js';

const keep = (text: string) => text;

/** An answer as read from the wire, for statuses a loopback server cannot send as final. */
function answer(status: number, text = '') {
  return { status, text, truncated: false };
}

describe("TSM's answers", () => {
  it.each([101, 103, 199])('take a final %i as neither success nor refusal', (status) => {
    const expected = {
      kind: 'failure',
      status,
      failure: {
        kind: 'unavailable',
        status,
        message: `TSM answered ${status}, which is neither success nor refusal`,
        excerpt: '',
      },
    };

    expect(writeAnswer(answer(status), keep)).toEqual(expected);
    expect(deleteAnswer(answer(status), keep)).toEqual(expected);
    expect(readAnswer(answer(status), keep)).toEqual(expected);
  });

  it('take a success body cut at its bound as too large, whatever it starts with', () => {
    const cut = { status: 200, text: '{"name":"my-vault-account"}', truncated: true };

    const outcome = readAnswer(cut, keep);

    expect(outcome.kind === 'failure' && outcome.failure).toMatchObject({ kind: 'unavailable' });
    expect(outcome.kind === 'failure' && outcome.failure.message).toMatch(/too large to read/);
  });
});
