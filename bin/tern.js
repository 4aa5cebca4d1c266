#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx: no build step between a checkout and `tern`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../adapters/cli/main.ts');
const code = await main(process.argv);
// 130: the user stopped following a task; an in-process task must not keep the process alive.
if (code === 130) process.exit(code);
process.exitCode = code;
