/**
 * Maps an async iterable with up to `width` calls in flight and yields results in input
 * order. Backpressure is preserved: the source is not pulled past `width` pending items.
 */
export async function* mapOrdered<A, B>(source: AsyncIterable<A>, width: number, fn: (item: A) => Promise<B>): AsyncGenerator<B> {
  const pending: Promise<B>[] = [];
  for await (const item of source) {
    const p = fn(item);
    // Rejections are observed when the promise is awaited in order; this only keeps an
    // early failure from being reported as unhandled while earlier items are pending.
    p.catch(() => {});
    pending.push(p);
    if (pending.length >= width) yield await pending.shift()!;
  }
  while (pending.length > 0) yield await pending.shift()!;
}
