#!/usr/bin/env node
// Loads the compiled build; src/cli/main.ts's start() is the only place that sets the exit code.
import { start } from '../dist/cli/main.js';
start();
