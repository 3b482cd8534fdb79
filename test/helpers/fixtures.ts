// Loads the golden frames in test/fixtures/dhcp4/*.hex: a `# captured:` line, then the frame as hex lines.

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DIR = fileURLToPath(new URL('../fixtures/dhcp4/', import.meta.url));

export interface Fixture {
  name: string;
  captured: string;
  frame: Buffer;
}

export function loadFixture(name: string): Fixture {
  const lines = readFileSync(`${DIR}${name}.hex`, 'latin1').split('\n');
  const first = lines[0] ?? '';
  if (!first.startsWith('# captured: ')) throw new Error(`${name}.hex must start with "# captured: "`);
  const hex = lines.slice(1).join('').replace(/\s+/g, '');
  return { name, captured: first.slice('# captured: '.length), frame: Buffer.from(hex, 'hex') };
}

export function fixtureNames(): string[] {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.hex'))
    .map((f) => f.slice(0, -4))
    .sort();
}
