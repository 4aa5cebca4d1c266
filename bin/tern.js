#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx: no build step between a checkout and `tern`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../adapters/cli/main.ts');
process.exitCode = await main(process.argv);
