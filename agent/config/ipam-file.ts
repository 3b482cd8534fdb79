// Reads the IPAM file from disk: YAML 1.2 (so `52:54:00:12:34:56` stays a string, not a base-60 number)
// decoded here, validated by protocol/ipam/parse.ts. Every failure comes back as problems, never a throw.
// A `.json` file is read with JSON.parse: the same document (JSON is YAML 1.2), and a million reservations
// load in seconds instead of the minutes a YAML document model takes.

import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { parseIpam } from '../../protocol/ipam/parse.js';
import type { IpamParseResult, IpamProblem } from '../../protocol/ipam/parse.js';

export type { IpamProblem } from '../../protocol/ipam/parse.js';

/** Reads and decodes a YAML file; problems carry the path (missing file) or line:column (syntax). */
export async function readYamlFile(
  path: string,
): Promise<{ ok: true; value: unknown } | { ok: false; problems: IpamProblem[] }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT'
        ? `${path} does not exist — check the path (or create the file)`
        : `${path} cannot be read (${code ?? (error as Error).message}) — check its permissions`;
    return { ok: false, problems: [{ path, message }] };
  }
  if (path.endsWith('.json')) return readJson(path, text);
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        const where = pos === undefined ? path : `${path}:${pos.line}:${pos.col}`;
        const what = (e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
        return { path: where, message: `YAML syntax error: ${what} — fix the file at line ${pos?.line ?? '?'}` };
      }),
    };
  }
  return { ok: true, value: doc.toJS({ maxAliasCount: 100 }) as unknown };
}

function readJson(path: string, text: string): { ok: true; value: unknown } | { ok: false; problems: IpamProblem[] } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return {
      ok: false,
      problems: [{ path, message: `JSON syntax error: ${(error as Error).message} — fix the file` }],
    };
  }
}

export async function loadIpamFile(path: string): Promise<IpamParseResult> {
  const read = await readYamlFile(path);
  return read.ok ? parseIpam(read.value) : read;
}
