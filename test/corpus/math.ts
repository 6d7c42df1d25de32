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
