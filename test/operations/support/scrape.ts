/**
 * Reads a Prometheus text exposition as a scraper would: each sample by its name and labels, so a
 * test can ask for one series' value without depending on the order of lines.
 */
import type { Harness } from '../../support/service-harness.js';

/** The samples of one scrape, by "name{label="value",...}" exactly as exposed. */
export type Samples = Map<string, number>;

/** Scrapes /metrics with the caller key and parses every sample. */
export async function scrape(harness: Harness): Promise<{ samples: Samples; text: string }> {
  const answer = await harness.call('GET', '/metrics');
  if (answer.status !== 200) throw new Error(`/metrics answered ${answer.status}`);
  return { samples: parseSamples(answer.text), text: answer.text };
}

/** Every sample line of an exposition, comments left out. */
export function parseSamples(text: string): Samples {
  const samples: Samples = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    samples.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return samples;
}

/** The value of a series (0 when absent, as a counter never incremented), labels in any order. */
export function valueOf(
  samples: Samples,
  name: string,
  labels: Record<string, string> = {},
): number {
  const wanted = Object.entries(labels);
  let total = 0;
  for (const [series, value] of samples) {
    const open = series.indexOf('{');
    const seriesName = open === -1 ? series : series.slice(0, open);
    if (seriesName !== name) continue;
    if (wanted.every(([label, text]) => series.includes(`${label}="${text}"`))) total += value;
  }
  return total;
}
