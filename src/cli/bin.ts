// Process entry point of the unbundled CLI (`tsx src/cli/bin.ts` in tests, `dist/cli/bin.js`):
// runs the CLI and exits with its code. bin/flotilla.js runs the bundle, which calls run() itself.
import { run } from './main.js';

process.exitCode = await run(process.argv);
