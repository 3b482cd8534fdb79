// Latin-1 text checks for byte-per-character fields (RFC 951 sname/file, RFC 2132 NVT ASCII strings):
// an encoder must refuse text it cannot write back byte for byte.

/** True when every character fits one byte (and, with `allowNul` false, none is NUL). */
export function isLatin1(text: string, allowNul = true): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff || (c === 0 && !allowNul)) return false;
  }
  return true;
}
