/**
 * A set of 128-bit hex ids in flat typed arrays (16 bytes a slot, open addressing), so
 * deduplicating millions of rows costs tens of megabytes rather than a JS Set of strings.
 */
export class IdSet {
  private slots: Uint32Array;
  private used: Uint8Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1 << 16) {
    let cap = 16;
    while (cap < capacity * 2) cap <<= 1;
    this.slots = new Uint32Array(cap * 4);
    this.used = new Uint8Array(cap);
    this.mask = cap - 1;
  }

  /** Adds a 32-hex-digit id; returns false when it was already present. */
  add(hex: string): boolean {
    const a = parseInt(hex.slice(0, 8), 16) >>> 0;
    const b = parseInt(hex.slice(8, 16), 16) >>> 0;
    const c = parseInt(hex.slice(16, 24), 16) >>> 0;
    const d = parseInt(hex.slice(24, 32), 16) >>> 0;
    if ((this.size + 1) * 2 > this.used.length) this.grow();
    return this.insert(a, b, c, d);
  }

  private insert(a: number, b: number, c: number, d: number): boolean {
    // The ids are already uniform hashes: their low bits are a good slot index.
    let i = d & this.mask;
    for (;;) {
      if (!this.used[i]) {
        const o = i * 4;
        this.slots[o] = a;
        this.slots[o + 1] = b;
        this.slots[o + 2] = c;
        this.slots[o + 3] = d;
        this.used[i] = 1;
        this.size++;
        return true;
      }
      const o = i * 4;
      if (this.slots[o] === a && this.slots[o + 1] === b && this.slots[o + 2] === c && this.slots[o + 3] === d) return false;
      i = (i + 1) & this.mask;
    }
  }

  private grow(): void {
    const oldSlots = this.slots;
    const oldUsed = this.used;
    const cap = oldUsed.length * 2;
    this.slots = new Uint32Array(cap * 4);
    this.used = new Uint8Array(cap);
    this.mask = cap - 1;
    this.size = 0;
    for (let i = 0; i < oldUsed.length; i++) {
      if (oldUsed[i]) this.insert(oldSlots[i * 4], oldSlots[i * 4 + 1], oldSlots[i * 4 + 2], oldSlots[i * 4 + 3]);
    }
  }
}
