#!/usr/bin/env node
// The `auditor` command. Runs the TypeScript sources through tsx, so no build step is needed after
// `npm ci`; the container image runs the compiled dist/ instead (deploy/docker/Dockerfile).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
