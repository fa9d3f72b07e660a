/**
 * A binary min-heap of items keyed by `(due, seq)`. Each item remembers its own index, so
 * removing or moving one is O(log n) without a search: the scheduler reschedules thousands of
 * leases through it.
 */
export interface HeapItem {
  due: number;
  seq: number;
  /** Position in the heap array, -1 when not in the heap. */
  heapIndex: number;
}

export class TimerHeap<T extends HeapItem> {
  readonly #items: T[] = [];

  get size(): number {
    return this.#items.length;
  }

  peek(): T | undefined {
    return this.#items[0];
  }

  has(item: T): boolean {
    return item.heapIndex >= 0 && this.#items[item.heapIndex] === item;
  }

  push(item: T): void {
    item.heapIndex = this.#items.length;
    this.#items.push(item);
    this.#up(item.heapIndex);
  }

  pop(): T | undefined {
    const top = this.#items[0];
    if (top) this.remove(top);
    return top;
  }

  remove(item: T): boolean {
    if (!this.has(item)) return false;
    const i = item.heapIndex;
    const last = this.#items.pop() as T;
    item.heapIndex = -1;
    if (last !== item) {
      this.#items[i] = last;
      last.heapIndex = i;
      this.#down(i);
      this.#up(last.heapIndex);
    }
    return true;
  }

  /** Call after changing `due`/`seq` of an item in the heap. */
  update(item: T): void {
    if (!this.has(item)) return;
    this.#up(item.heapIndex);
    this.#down(item.heapIndex);
  }

  clear(): T[] {
    const items = this.#items.splice(0);
    for (const item of items) item.heapIndex = -1;
    return items;
  }

  #less(a: T, b: T): boolean {
    return a.due < b.due || (a.due === b.due && a.seq < b.seq);
  }

  #swap(i: number, j: number): void {
    const a = this.#items[i] as T;
    const b = this.#items[j] as T;
    this.#items[i] = b;
    this.#items[j] = a;
    a.heapIndex = j;
    b.heapIndex = i;
  }

  #up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(this.#items[i] as T, this.#items[parent] as T)) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  #down(i: number): void {
    const n = this.#items.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < n && this.#less(this.#items[l] as T, this.#items[best] as T)) best = l;
      if (r < n && this.#less(this.#items[r] as T, this.#items[best] as T)) best = r;
      if (best === i) break;
      this.#swap(i, best);
      i = best;
    }
  }
}
