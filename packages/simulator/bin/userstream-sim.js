#!/usr/bin/env node
// The CLI lives in dist/ (built by tsup); this file exists before the build so that
// installing a workspace that depends on the simulator can link the bin without a warning.
import '../dist/cli.js';
