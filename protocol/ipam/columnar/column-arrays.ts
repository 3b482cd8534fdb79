// The typed arrays behind a ReservationColumns, and the helpers that allocate, grow, copy and trim them.
// Row columns hold one value per row; `text` holds the rows' host names and client ids end to end.

/** The typed arrays behind a ReservationColumns: what the binary codec writes and reads back. */
export interface ColumnArrays {
  ip: Uint32Array;
  macLo: Uint32Array;
  macHi: Uint16Array;
  /** Position in `subnets`. */
  subnet: Uint16Array;
  /** Hostname and client id (lower-case colon hex) as UTF-8 in `text`; length 0 when absent. */
  hostStart: Uint32Array;
  hostLength: Uint16Array;
  idStart: Uint32Array;
  /** 32-bit: option 61 has no length limit in the IPAM schema. */
  idLength: Uint32Array;
  text: Uint8Array;
}

export function allocate(rows: number, textBytes: number): ColumnArrays {
  return {
    ip: new Uint32Array(rows),
    macLo: new Uint32Array(rows),
    macHi: new Uint16Array(rows),
    subnet: new Uint16Array(rows),
    hostStart: new Uint32Array(rows),
    hostLength: new Uint16Array(rows),
    idStart: new Uint32Array(rows),
    idLength: new Uint32Array(rows),
    text: new Uint8Array(textBytes),
  };
}

export function grow(from: ColumnArrays, rows: number, textBytes: number): ColumnArrays {
  const to = allocate(rows, textBytes);
  copyArrays(from, to);
  return to;
}

/** Rows [start, end) of every row column (not the text) to the same rows of `to`. */
export function copyRange(from: ColumnArrays, to: ColumnArrays, start: number, end: number): void {
  to.ip.set(from.ip.subarray(start, end), start);
  to.macLo.set(from.macLo.subarray(start, end), start);
  to.macHi.set(from.macHi.subarray(start, end), start);
  to.subnet.set(from.subnet.subarray(start, end), start);
  to.hostStart.set(from.hostStart.subarray(start, end), start);
  to.hostLength.set(from.hostLength.subarray(start, end), start);
  to.idStart.set(from.idStart.subarray(start, end), start);
  to.idLength.set(from.idLength.subarray(start, end), start);
}

/** `to`'s arrays are at least as long as `from`'s. */
function copyArrays(from: ColumnArrays, to: ColumnArrays): void {
  copyRange(from, to, 0, from.ip.length);
  to.text.set(from.text);
}

/** Every row column cut to `rows` and the text to `textBytes`; an array already that long is handed over as is. */
export function fitArrays(a: ColumnArrays, rows: number, textBytes: number): ColumnArrays {
  return {
    ip: fit(a.ip, rows),
    macLo: fit(a.macLo, rows),
    macHi: fit(a.macHi, rows),
    subnet: fit(a.subnet, rows),
    hostStart: fit(a.hostStart, rows),
    hostLength: fit(a.hostLength, rows),
    idStart: fit(a.idStart, rows),
    idLength: fit(a.idLength, rows),
    text: fit(a.text, textBytes),
  };
}

function fit<T extends Uint8Array | Uint16Array | Uint32Array>(column: T, length: number): T {
  return column.length === length ? column : (column.slice(0, length) as T);
}
