/**
 * `npm start`: builds the web app only when its sources changed since the last build (production
 * mode, under a lock so two starts cannot build at once), then runs the whole product with the local
 * Box and the demo enterprise (`auditor serve --demo`).
 */
import { ensureWebBuilt } from './web-build.ts';

ensureWebBuilt();
process.argv = [process.argv[0]!, 'auditor', 'serve', '--demo', ...process.argv.slice(2)];
await import('../src/cli/main.ts');
