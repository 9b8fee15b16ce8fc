import { runCli } from './parser.ts';

process.exitCode = await runCli(process.argv.slice(2));
