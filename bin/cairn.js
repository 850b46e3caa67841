#!/usr/bin/env node
// Loads the compiled build; the CLI module is the only place that sets the exit code.
import { main } from '../dist/cli/main.js';
main(process.argv).then((code) => { process.exitCode = code; });
