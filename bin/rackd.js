#!/usr/bin/env node
// The compiled CLI lives in dist/ (`npm run build`); this stub keeps `npx rackd` and the systemd unit stable.
import '../dist/agent/cli/main.js';
