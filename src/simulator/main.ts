/**
 * Runs the TSM simulator as a process, for a person or a service run as a child process:
 *   node --import tsx src/simulator/main.ts --port 4000 --latency-ms 20
 * It prints its URL and the API token to use, and is driven through /_sim/.
 */
import { optionsFromArgs, USAGE } from './cli-options.js';
import { DEFAULT_API_TOKEN, startSimulator } from './simulator.js';

async function main(): Promise<void> {
  const { help, ...options } = optionsFromArgs(process.argv.slice(2));
  if (help) {
    console.log(USAGE);
    return;
  }

  const simulator = await startSimulator(options);
  const apiToken = options.apiTokens?.[0] ?? DEFAULT_API_TOKEN;
  console.log(`TSM simulator listening at ${simulator.url}`);
  console.log('Point the service at it (and give it a caller key of your choosing):');
  console.log(`TSM_URL=${simulator.url} CSP_URL=${simulator.url} TSM_API_TOKEN=${apiToken}`);
  console.log(`Inject faults with POST ${simulator.url}/_sim/faults (see the README).`);

  const stop = () => void simulator.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  console.error(USAGE);
  process.exit(2);
});
