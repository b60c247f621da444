/**
 * The command-line client's entry point (bin/tsm-vault-integrations.js loads it through tsx):
 *   npx tsm-vault-integrations create integration.yaml
 */
import { run } from './run.js';

const write = (stream: NodeJS.WriteStream) => (text: string) => {
  stream.write(`${text}\n`);
};

try {
  process.exitCode = await run(process.argv.slice(2), {
    env: process.env,
    output: { out: write(process.stdout), err: write(process.stderr) },
    stdin: process.stdin,
  });
} catch (error) {
  // A fault of the client itself: its name and message only, never the arguments it ran with.
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
  process.stderr.write(`error: the client failed unexpectedly (${reason})\n`);
  process.exitCode = 1;
}
