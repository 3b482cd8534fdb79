#!/usr/bin/env node
// Checks the import rules of docs/architecture.md over agent/ and protocol/: no import circle between files, and
// every folder imports only from its own layer or the layers below it. Prints each violation; exits 1 on any.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Layers, lowest first: a folder may import from its own layer and the layers below. */
const LAYERS = [
  ['protocol'],
  ['agent/stats', 'agent/log', 'agent/net', 'agent/types'],
  ['agent/serving'],
  ['agent/dhcp4', 'agent/dhcp6'],
  ['agent/discovery', 'agent/region'],
  ['agent/config'],
  ['agent/daemon'],
  ['agent/service'],
  ['agent/cli'],
];
/** Same-layer pairs that must not meet at all, in either direction. */
const APART = [
  ['agent/dhcp4', 'agent/region'],
  ['agent/dhcp6', 'agent/region'],
  ['agent/discovery', 'agent/region'],
];

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
  });
}

function folderOf(file) {
  const rel = relative(ROOT, file);
  return rel.startsWith('protocol/') ? 'protocol' : rel.split('/').slice(0, 2).join('/');
}

function layerOf(folder) {
  const layer = LAYERS.findIndex((folders) => folders.includes(folder));
  if (layer < 0) throw new Error(`${folder} is in no layer: add it to LAYERS in scripts/check-imports.mjs`);
  return layer;
}

const all = [...files(join(ROOT, 'agent')), ...files(join(ROOT, 'protocol'))];
const graph = new Map();
for (const file of all) {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+'(\.[^']+)'/g)].map((m) => m[1]);
  graph.set(
    file,
    specs.map((spec) => resolve(dirname(file), spec).replace(/\.js$/, '.ts')),
  );
}

const problems = [];
for (const [file, targets] of graph) {
  const from = folderOf(file);
  for (const target of targets) {
    const to = folderOf(target);
    if (from === to) continue;
    if (layerOf(to) > layerOf(from))
      problems.push(`${relative(ROOT, file)} imports ${relative(ROOT, target)}: ${to} is above ${from}`);
    if (APART.some(([a, b]) => (a === from && b === to) || (a === to && b === from))) {
      problems.push(`${relative(ROOT, file)} imports ${relative(ROOT, target)}: ${from} and ${to} stay apart`);
    }
  }
}

// Import circles between files: depth-first search with the path on a stack.
const state = new Map();
function visit(file, path) {
  state.set(file, 'open');
  for (const target of graph.get(file) ?? []) {
    if (!graph.has(target)) continue;
    if (state.get(target) === 'open') {
      const circle = [...path.slice(path.indexOf(target)), target].map((f) => relative(ROOT, f));
      problems.push(`import circle: ${circle.join(' -> ')}`);
    } else if (!state.has(target)) visit(target, [...path, target]);
  }
  state.set(file, 'done');
}
for (const file of graph.keys()) if (!state.has(file)) visit(file, [file]);

for (const problem of problems) console.error(problem);
console.log(`check-imports: ${graph.size} files, ${problems.length} problems`);
process.exit(problems.length === 0 ? 0 : 1);
