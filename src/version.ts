/** The service's version, as package.json states it. */
import { createRequire } from 'node:module';

const manifest = createRequire(import.meta.url)('../package.json') as { version: string };

export const SERVICE_VERSION: string = manifest.version;
