#!/usr/bin/env node
// The command-line client, run from its TypeScript sources through tsx as `npm start` runs the
// service: a fresh clone works after `npm ci` with no build step (tsx is a dev dependency).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
