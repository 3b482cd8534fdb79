#!/usr/bin/env node
// The compiled CLI lives in dist/ (`npm run build`); this stub keeps `npx rackctl` stable.
import '../dist/agent/cli/rackctl.js';
