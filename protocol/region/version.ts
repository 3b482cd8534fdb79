// The protocol version carried in every entry's `v` field (PROTOCOL.md §6): MAJOR.MINOR. A rack or region
// accepts any minor of the major it speaks, ignoring fields it does not know, and refuses another major.

export const PROTOCOL_MAJOR = 1;
export const PROTOCOL_MINOR = 0;
export const PROTOCOL_VERSION = `${PROTOCOL_MAJOR}.${PROTOCOL_MINOR}`;

/** undefined when acceptable, else why not (naming the fix). */
export function versionProblem(v: string | undefined): string | undefined {
  if (v === undefined) return 'the entry has no v field: it was written by something that does not speak this protocol';
  const m = /^(\d{1,6})(?:\.(\d{1,6}))?$/.exec(v);
  if (m === null) return `v is "${v}", expected MAJOR.MINOR such as ${PROTOCOL_VERSION}`;
  const major = Number(m[1]);
  if (major > PROTOCOL_MAJOR)
    return `protocol major ${major} is newer than the ${PROTOCOL_MAJOR} this side speaks: upgrade it`;
  if (major < PROTOCOL_MAJOR)
    return `protocol major ${major} is older than the ${PROTOCOL_MAJOR} this side speaks: upgrade the writer`;
  return undefined;
}
