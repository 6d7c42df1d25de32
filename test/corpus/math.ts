/** Integer division and remainders, with negative operands. */
export function divisions(a: number, b: number): number[] {
  return [Math.floor(a / b), Math.ceil(a / b), Math.trunc(a / b), a % b, Math.floor(a), Math.ceil(a), Math.trunc(a)];
}

export function pages(total: number, pageSize: number): Record<string, number> {
  const pageCount = Math.ceil(total / pageSize);
  const lastPageSize = total % pageSize;
  return { page_count: pageCount, last_page_size: lastPageSize === 0 ? pageSize : lastPageSize, half: Math.floor(total / 2) };
}

export function arithmetic(a: number, b: number): number[] {
  let acc = a;
  acc -= b;
  acc *= 2;
  acc += 1;
  return [a + b, a - b, a * b, -a, acc, a - -b, (a + b) * (a - b)];
}

/** Quotients print and compare as in JavaScript: integers without '.0', others the shortest round-tripping decimal. */
export function quotients(a: number, b: number): string[] {
  return [`${a / b}`, String(a / b), "q=" + a / b, `${(a + 1) / (b * 2)}`, a / b > 1 ? "more than one" : "at most one",
    a / b === 2 ? "two" : "not two"];
}
