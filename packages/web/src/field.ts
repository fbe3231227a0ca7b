/** A named piece of a record's plaintext: bytes `[start, end)` (may reach outside the record when a message spans records: clip). */
export interface Field {
  readonly name: string;
  readonly value: string;
  readonly start: number;
  readonly end: number;
  readonly children?: readonly Field[];
}
