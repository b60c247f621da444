/** Reads the service's log stream as an operator's log shipper would: one JSON object a line. */

/** One pino line: its level and message, the request id, and whatever context it carries. */
export interface LogLine {
  level: number;
  msg: string;
  reqId?: string;
  [field: string]: unknown;
}

/** The lines written from index `from` on, parsed. */
export function linesSince(raw: readonly string[], from: number): LogLine[] {
  return raw.slice(from).map((line) => JSON.parse(line) as LogLine);
}
