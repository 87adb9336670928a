#!/usr/bin/env node
// Entry point of the `moteur` command: TypeScript sources run through tsx, so there is no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
