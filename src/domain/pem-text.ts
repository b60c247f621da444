/**
 * Reading the text of a PEM bundle into its armored blocks. Damage that loses nothing (line ends,
 * stray whitespace, text around the blocks) is tolerated and recorded as a kind of change;
 * armor that does not pair up is refused. Nothing here decodes base64 or DER.
 */
import type { ValidationReport } from './validation-report.js';

/** The largest PEM text accepted, in bytes of UTF-8. */
export const MAX_PEM_BYTES = 256 * 1024;

/** A lossless change made to the PEM text, reported once per kind. */
export type PemChange =
  'lineEnds' | 'trailingWhitespace' | 'indentation' | 'finalNewline' | 'textDropped' | 'layout';

/** One armored block, with its 1-based position among all blocks of the input. */
export interface PemBlock {
  position: number;
  label: string;
  /** The text between the BEGIN and END lines, lines trimmed. */
  body: string;
}

/** The blocks of a PEM text and the kinds of change that reading it made. */
export interface PemBlocks {
  blocks: PemBlock[];
  changes: Set<PemChange>;
}

const MARKER = /-----(BEGIN|END) ([^\n-]+)-----/g;

/**
 * Splits a PEM text into blocks; undefined (with errors reported) when it cannot be used. Private
 * keys in it were looked for with the rest of the request; this only reads its structure, in
 * time linear in its length.
 */
export function readPemBlocks(
  text: string,
  pointer: string,
  report: ValidationReport,
): PemBlocks | undefined {
  // The bound comes first so that a huge or crafted text costs no parsing work.
  if (Buffer.byteLength(text, 'utf8') > MAX_PEM_BYTES) {
    report.error(
      pointer,
      'PEM_TOO_LARGE',
      'The PEM is larger than 256 KiB; a CA bundle holds ' +
        "only Vault's root and intermediate certificates.",
    );
    return undefined;
  }
  const changes = new Set<PemChange>();
  const tidy = tidyLines(text, changes);
  const blocks = splitBlocks(tidy, changes, pointer, report);
  return blocks === undefined ? undefined : { blocks, changes };
}

/** The text with every line trimmed, and where each line went with what it lost. */
interface TidyText {
  text: string;
  lines: Array<{ start: number; end: number; indented: boolean; trailing: boolean }>;
}

function tidyLines(text: string, changes: Set<PemChange>): TidyText {
  if (/\r/.test(text)) changes.add('lineEnds');
  const unified = text.replace(/\r\n?/g, '\n');
  if (unified !== '' && !unified.endsWith('\n')) changes.add('finalNewline');

  const raw = unified.split('\n');
  if (raw.at(-1) === '') raw.pop();
  const lines: TidyText['lines'] = [];
  let offset = 0;
  const trimmed = raw.map((line) => {
    const content = line.trim();
    const kept = content !== '';
    const end = offset + content.length;
    lines.push({
      start: offset,
      end,
      indented: kept && /^\s/.test(line),
      trailing: kept && /\s$/.test(line),
    });
    offset = end + 1;
    return content;
  });
  return { text: trimmed.join('\n'), lines };
}

function splitBlocks(
  { text, lines }: TidyText,
  changes: Set<PemChange>,
  pointer: string,
  report: ValidationReport,
): PemBlock[] | undefined {
  const blocks: PemBlock[] = [];
  const spans: Array<[number, number]> = [];
  const outside: string[] = [];
  let open: { label: string; start: number; bodyStart: number; position: number } | undefined;
  let cursor = 0;
  let position = 0;
  for (const marker of text.matchAll(MARKER)) {
    const [line, kind, label = ''] = marker;
    if (kind === 'BEGIN') {
      if (open !== undefined) return malformed(`block ${open.position} has no END line`);
      outside.push(text.slice(cursor, marker.index));
      position += 1;
      open = { label, start: marker.index, bodyStart: marker.index + line.length, position };
    } else {
      if (open === undefined) return malformed(`an END ${label} line has no BEGIN line`);
      if (open.label !== label) return malformed(`block ${open.position} ends with END ${label}`);
      blocks.push({ position, label, body: text.slice(open.bodyStart, marker.index) });
      cursor = marker.index + line.length;
      spans.push([open.start, cursor]);
      open = undefined;
    }
  }
  if (open !== undefined) return malformed(`block ${open.position} has no END line`);
  outside.push(text.slice(cursor));
  noteOutsideText(outside, changes);
  noteWhitespace(lines, spans, changes);
  return blocks;

  function malformed(problem: string): undefined {
    report.error(
      pointer,
      'PEM_MALFORMED',
      `The PEM armor is broken: ${problem}. Each block ` +
        'starts with -----BEGIN CERTIFICATE----- and ends with -----END CERTIFICATE-----.',
    );
    return undefined;
  }
}

function noteWhitespace(
  lines: TidyText['lines'],
  spans: Array<[number, number]>,
  changes: Set<PemChange>,
): void {
  // Whitespace on lines of dropped text is dropped with the text, not reported on its own.
  // Lines and spans both come in text order, so one walk over both finds the overlaps.
  let span = 0;
  for (const line of lines) {
    while (span < spans.length && (spans[span]?.[1] ?? 0) <= line.start) span += 1;
    const [start = Infinity] = spans[span] ?? [];
    if (line.end <= start) continue;
    if (line.indented) changes.add('indentation');
    if (line.trailing) changes.add('trailingWhitespace');
  }
}

function noteOutsideText(outside: string[], changes: Set<PemChange>): void {
  // Canonical PEM has nothing before the first block, one line break between blocks, and
  // nothing after the last (the final newline is a change of its own).
  outside.forEach((segment, index) => {
    const expected = index === 0 || index === outside.length - 1 ? '' : '\n';
    if (/\S/.test(segment)) changes.add('textDropped');
    else if (segment !== expected) changes.add('layout');
  });
}
