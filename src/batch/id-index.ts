// The first row of each patient id in a batch, in memory that does not hold the ids themselves:
// a Map of a million id strings (each possibly a slice that keeps its whole CSV line alive) grew
// batch's memory by about 230 MB per million rows. Here each id is two independent 32-bit FNV-1a
// hashes (64 bits) in an open-addressed table of typed arrays: 12 bytes a slot. Two different ids
// share both hashes with a probability of about n²/2⁶⁵ (3 in 100 million for a million ids); the
// only effect would be a spurious "also in row" warning, never a changed verdict or output row.

const EMPTY = 0;

export class IdIndex {
  private a = new Uint32Array(1 << 12);
  private b = new Uint32Array(1 << 12);
  /** Row number + 1 (0 = empty slot). */
  private rows = new Uint32Array(1 << 12);
  private size = 0;

  /** The row this id was first seen on, or undefined (and `row` is recorded as its first). */
  firstRow(id: string, row: number): number | undefined {
    let h1 = 0x811c9dc5;
    let h2 = 0x01000193 ^ id.length;
    for (let i = 0; i < id.length; i++) {
      const c = id.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 15);
    }
    h1 >>>= 0;
    h2 >>>= 0;
    const mask = this.rows.length - 1;
    for (let i = (h1 ^ Math.imul(h2, 0x9e3779b1)) & mask; ; i = (i + 1) & mask) {
      const r = this.rows[i] as number;
      if (r === EMPTY) {
        this.a[i] = h1;
        this.b[i] = h2;
        this.rows[i] = row + 1;
        if (++this.size * 2 > this.rows.length) this.grow();
        return undefined;
      }
      if (this.a[i] === h1 && this.b[i] === h2) return r - 1;
    }
  }

  private grow(): void {
    const { a, b, rows } = this;
    const n = rows.length * 2;
    this.a = new Uint32Array(n);
    this.b = new Uint32Array(n);
    this.rows = new Uint32Array(n);
    const mask = n - 1;
    for (let j = 0; j < rows.length; j++) {
      const r = rows[j] as number;
      if (r === EMPTY) continue;
      const h1 = a[j] as number;
      const h2 = b[j] as number;
      let i = (h1 ^ Math.imul(h2, 0x9e3779b1)) & mask;
      while (this.rows[i] !== EMPTY) i = (i + 1) & mask;
      this.a[i] = h1;
      this.b[i] = h2;
      this.rows[i] = r;
    }
  }
}
