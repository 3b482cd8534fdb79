// One problem found in an IPAM document: where (a path like `reservations[3].ip`) and what to do about it.
// Zod issues are turned into problems here so every refusal reads the same way to an operator.

import type { z } from 'zod';

export interface IpamProblem {
  /** Where, in the document's own terms: `reservations[3].ip`, `subnets[0].boot.files.bios`. */
  path: string;
  /** What is wrong and how to fix it. */
  message: string;
}

export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    text += typeof key === 'number' ? `[${key}]` : `${text === '' ? '' : '.'}${String(key)}`;
  }
  return text === '' ? '(document)' : text;
}

const KIND_NAMES: Record<string, string> = {
  array: 'a list',
  object: 'a mapping',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
};

function describe(value: unknown): string {
  if (value === null) return 'null (an empty value)';
  if (Array.isArray(value)) return 'a list';
  return KIND_NAMES[typeof value] ?? typeof value;
}

/** Zod issues (paths relative to `prefix`) as problems; an unknown-keys issue becomes one problem per key. */
export function issuesToProblems(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[]): IpamProblem[] {
  const problems: IpamProblem[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      const lines = issue.message.split('\n');
      issue.keys.forEach((key, i) =>
        problems.push({ path: formatPath([...path, key]), message: lines[i] ?? `unknown field "${key}"` }),
      );
    } else if (issue.code === 'invalid_type' && !issue.message.startsWith('Invalid input')) {
      problems.push({ path: formatPath(path), message: issue.message });
    } else if (issue.code === 'invalid_type') {
      problems.push({ path: formatPath(path), message: typeMessage(path, issue.expected, issue.input) });
    } else {
      problems.push({ path: formatPath(path), message: issue.message });
    }
  }
  return problems;
}

function typeMessage(path: readonly PropertyKey[], expected: string, input: unknown): string {
  const field = String(path.at(-1) ?? 'the document');
  if (input === undefined) return `${field} is required — add it`;
  if (path.length === 0)
    return `the IPAM document must be a mapping with \`subnets:\` and \`reservations:\`, got ${describe(input)}`;
  return `expected ${KIND_NAMES[expected] ?? expected}, got ${describe(input)} — fix the value of ${field}`;
}
