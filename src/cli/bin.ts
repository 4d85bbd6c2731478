// Process entry point of the flotilla command: runs the CLI and exits with its code.
import { run } from './main.js';

process.exitCode = await run(process.argv);
