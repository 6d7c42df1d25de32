/**
 * Typed macro programs, generated from the macro language's grammar with fast-check: every program
 * has the same parameters (numbers, strings, arrays, a record, a boolean), a few statements built from
 * typed expressions, and returns an array of what it computed, as values and as text. Each program
 * comes with inputs chosen from values where JavaScript and Python/Rust part ways (fractions, ±2^53,
 * whitespace beyond ASCII, integer-like keys, empty arrays).
 */
import fc from "fast-check";

export interface Program {
  /** The TypeScript source of one file holding one exported function named `macro`. */
  source: string;
  macro: string;
  /** Argument sets, by parameter name. */
  inputs: Array<Record<string, unknown>>;
}

const PARAMETERS = "n: number, m: number, s: string, t: string, xs: number[], ws: string[], r: Record<string, number>, b: boolean, " +
  "o?: { name: string; tags?: string[] }";

const NUMBERS = [0, 1, -1, 2, 3, 7, -7, 10, 100, 0.5, -2.5, 1.5, 0.1, 0.25, 2.675, 1e-5, 2 ** 31, 2 ** 52, 2 ** 53 - 1, 123456789, 1e15];
const STRINGS = ["", "a", "b", " a ", "\ufeffx\u00a0", "\u001fy", "a,b,c", "1", "10", "Hello World", "ß", "é", "x-y_z", "  ", "\u2028z", "a.b", "--"];
const KEYS = ["a", "b", "1", "0", "10", "2", "-1", "01", "x y", "k", "4294967295"];

const numberInput = fc.constantFrom(...NUMBERS);
const stringInput = fc.constantFrom(...STRINGS);
const inputs = fc.record({
  n: numberInput,
  m: numberInput,
  s: stringInput,
  t: stringInput,
  xs: fc.array(numberInput, { maxLength: 5 }),
  ws: fc.array(stringInput, { maxLength: 4 }),
  r: fc.uniqueArray(fc.constantFrom(...KEYS), { maxLength: 4 }).chain((keys) =>
    fc.tuple(...keys.map(() => fc.constantFrom(0, 1, 2, -3, 0.5))).map((values) => Object.fromEntries(keys.map((key, i) => [key, values[i]])))),
  b: fc.boolean(),
  o: fc.option(fc.record({ name: stringInput, tags: fc.array(stringInput, { maxLength: 2 }) }, { requiredKeys: ["name"] }), { nil: undefined }),
}).map((input) => (input.o === undefined ? (({ o: _omitted, ...rest }) => rest)(input) : input));

const quoted = (text: string) => JSON.stringify(text);
const numberLiteral = fc.constantFrom("0", "1", "2", "3", "5", "10", "0.5", "1.5", "0.1", "100", "1e15", "4294967296");
const stringLiteral = fc.constantFrom(...["", "a", ",", "-", " ", "x", "1", "ab", "é", "\ufeff", "\u00a0"].map(quoted));
const keyLiteral = fc.constantFrom(...["a", "b", "1", "0", "2", "10", "k", "01"].map(quoted));

type Gen = (depth: number) => fc.Arbitrary<string>;

const pick = (depth: number, leaves: Array<fc.Arbitrary<string>>, nodes: () => Array<fc.Arbitrary<string>>): fc.Arbitrary<string> =>
  depth <= 0 ? fc.oneof(...leaves) : fc.oneof({ arbitrary: fc.oneof(...leaves), weight: 2 }, { arbitrary: fc.oneof(...nodes()), weight: 3 });

const num: Gen = (depth) => pick(depth, [
  numberLiteral, fc.constantFrom("n", "m", "xs.length", "s.length", "ws.length"),
], () => {
  const d = depth - 1;
  return [
    fc.tuple(num(d), fc.constantFrom("+", "-", "*", "%"), num(d)).map(([a, op, c]) => `(${a} ${op} ${c})`),
    fc.tuple(fc.constantFrom("floor", "ceil", "trunc"), num(d), num(d)).map(([f, a, c]) => `Math.${f}(${a} / ${c})`),
    fc.tuple(fc.constantFrom("round", "abs", "floor"), num(d)).map(([f, a]) => `Math.${f}(${a})`),
    fc.tuple(fc.constantFrom("max", "min"), num(d), num(d)).map(([f, a, c]) => `Math.${f}(${a}, ${c})`),
    fc.tuple(num(d), num(d)).map(([i, fallback]) => `(xs[${i}] ?? ${fallback})`),
    fc.tuple(str(d), num(d)).map(([key, fallback]) => `(r[${key}] ?? ${fallback})`),
    fc.tuple(str(d), str(d)).map(([a, c]) => `${a}.indexOf(${c})`),
    fc.tuple(bool(d), num(d), num(d)).map(([c, a, e]) => `(${c} ? ${a} : ${e})`),
    fc.tuple(numbers(d)).map(([a]) => `${a}.length`),
    fc.constant("(o?.tags?.length ?? -1)"),
    fc.tuple(numbers(d), num(d)).map(([a, x]) => `${a}.reduce((total, x) => total + x * ${x}, 0)`),
  ];
});

const str: Gen = (depth) => pick(depth, [stringLiteral, fc.constantFrom("s", "t")], () => {
  const d = depth - 1;
  return [
    fc.tuple(str(d), num(d), bool(d)).map(([a, x, c]) => `\`<${"$"}{${a}}|${"$"}{${x}}|${"$"}{${c}}>\``),
    num(d).map((x) => `String(${x})`),
    fc.tuple(num(d), fc.integer({ min: 0, max: 3 })).map(([x, digits]) => `(${x}).toFixed(${digits})`),
    fc.tuple(str(d), str(d)).map(([a, c]) => `(${a} + ${c})`),
    fc.tuple(str(d), num(d)).map(([a, x]) => `(${a} + ${x})`),
    fc.tuple(str(d), fc.constantFrom("trim", "trimStart", "trimEnd", "toUpperCase", "toLowerCase")).map(([a, f]) => `${a}.${f}()`),
    fc.tuple(str(d), num(d), num(d)).map(([a, i, j]) => `${a}.slice(${i}, ${j})`),
    fc.tuple(str(d), num(d)).map(([a, i]) => `${a}.slice(${i})`),
    fc.tuple(str(d), fc.constantFrom("padStart", "padEnd"), num(d), stringLiteral).map(([a, f, k, fill]) => `${a}.${f}(${k}, ${fill})`),
    fc.tuple(str(d), fc.constantFrom("replace", "replaceAll"), fc.constantFrom('"a"', '","', '" "'), stringLiteral)
      .map(([a, f, p, w]) => `${a}.${f}(${p}, ${w})`),
    fc.tuple(strings(d), stringLiteral).map(([a, sep]) => `${a}.join(${sep})`),
    fc.tuple(numbers(d), stringLiteral).map(([a, sep]) => `${a}.map((x) => String(x)).join(${sep})`),
    fc.tuple(strings(d), num(d), str(d)).map(([a, i, fallback]) => `(${a}[${i}] ?? ${fallback})`),
    fc.tuple(str(d), num(d)).map(([a, i]) => `(${a}[${i}] ?? "?")`),
    fc.tuple(bool(d), str(d), str(d)).map(([c, a, e]) => `(${c} ? ${a} : ${e})`),
    fc.constantFrom('(o?.name ?? "none")', '(o?.tags?.[0] ?? "-")', '(o?.name.trim() ?? "N")', '(o?.tags?.[1]?.toUpperCase() ?? "U")'),
    fc.tuple(num(d), fc.constantFrom(0, 1, 2)).map(([x, digits]) => `Math.round(${x}).toFixed(${digits})`),
  ];
});

const bool: Gen = (depth) => pick(depth, [fc.constantFrom("true", "false", "b")], () => {
  const d = depth - 1;
  return [
    fc.tuple(num(d), fc.constantFrom("<", "<=", ">", ">=", "===", "!=="), num(d)).map(([a, op, c]) => `(${a} ${op} ${c})`),
    fc.tuple(str(d), fc.constantFrom("===", "!==", "<"), str(d)).map(([a, op, c]) => `(${a} ${op} ${c})`),
    bool(d).map((a) => `!${a}`),
    fc.tuple(bool(d), fc.constantFrom("&&", "||"), bool(d)).map(([a, op, c]) => `(${a} ${op} ${c})`),
    fc.tuple(str(d), fc.constantFrom("includes", "startsWith", "endsWith"), str(d)).map(([a, f, c]) => `${a}.${f}(${c})`),
    fc.tuple(numbers(d), num(d)).map(([a, x]) => `${a}.includes(${x})`),
    fc.tuple(strings(d), str(d)).map(([a, x]) => `${a}.includes(${x})`),
    num(d).map((x) => `Number.isInteger(${x})`),
    fc.tuple(numbers(d), fc.constantFrom("some", "every"), num(d)).map(([a, f, x]) => `${a}.${f}((x) => x > ${x})`),
    fc.tuple(str(d), record(d)).map(([key, o]) => `(${key} in ${o})`),
  ];
});

const numbers: Gen = (depth) => pick(depth, [fc.constant("xs"), fc.constant("([] as number[])")], () => {
  const d = depth - 1;
  return [
    fc.tuple(num(d), num(d)).map(([a, c]) => `[${a}, ${c}]`),
    fc.tuple(numbers(d), num(d)).map(([a, i]) => `${a}.slice(${i})`),
    fc.tuple(numbers(d), num(d)).map(([a, x]) => `${a}.map((x) => x * ${x})`),
    fc.tuple(numbers(d), num(d)).map(([a, x]) => `${a}.filter((x) => x >= ${x})`),
    fc.tuple(numbers(d), numbers(d)).map(([a, c]) => `${a}.concat(${c})`),
    fc.tuple(numbers(d), num(d)).map(([a, x]) => `[...${a}, ${x}]`),
    record(d).map((o) => `Object.values(${o})`),
    fc.tuple(numbers(d), fc.constantFrom("a - b", "b - a")).map(([a, order]) => `[...${a}].sort((a, b) => ${order})`),
  ];
});

const strings: Gen = (depth) => pick(depth, [fc.constant("ws")], () => {
  const d = depth - 1;
  return [
    fc.tuple(str(d), fc.constantFrom('","', '" "', '"a"')).map(([a, sep]) => `${a}.split(${sep})`),
    fc.tuple(str(d), fc.integer({ min: 0, max: 3 })).map(([a, limit]) => `${a}.split(",", ${limit})`),
    record(d).map((o) => `Object.keys(${o})`),
    strings(d).map((a) => `${a}.map((w) => w.trim())`),
    fc.tuple(strings(d), str(d)).map(([a, x]) => `${a}.filter((w) => w !== ${x})`),
    fc.tuple(str(d), str(d)).map(([a, c]) => `[${a}, ${c}]`),
    strings(d).map((a) => `[...${a}].sort()`),
  ];
});

const record: Gen = (depth) => pick(depth, [fc.constant("r")], () => {
  const d = depth - 1;
  return [
    fc.tuple(keyLiteral, num(d), keyLiteral, num(d)).map(([k1, a, k2, c]) => `{ [${k1}]: ${a}, [${k2}]: ${c} }`),
    fc.tuple(record(d), str(d), num(d)).map(([o, key, x]) => `{ ...${o}, [${key}]: ${x} }`),
    fc.tuple(keyLiteral, num(d), record(d)).map(([key, x, o]) => `{ [${key}]: ${x}, ...${o} }`),
  ];
});

/** Statements over the locals `count` (a number), `text` (a string), `items` (strings) and `table` (a record). */
const statement = (depth: number): fc.Arbitrary<string> => {
  const d = 1;
  const simple = [
    num(d).map((x) => `count += ${x};`),
    num(d).map((x) => `count = ${x};`),
    str(d).map((x) => `text += ${x};`),
    str(d).map((x) => `items.push(${x});`),
    fc.tuple(str(d), num(d)).map(([key, x]) => `table[${key}] = ${x};`),
    fc.tuple(bool(d), str(d), str(d)).map(([c, a, e]) => `if (${c}) { text += ${a}; } else { text += ${e}; }`),
    fc.tuple(strings(d), str(d)).map(([a, x]) => `{ const [p = "none", q, ...rest] = ${a}; text += p + (q ?? ${x}) + String(rest.length); }`),
    fc.constant('{ const { name = "anon", tags = [] } = o ?? { name: "default" }; text += name + String(tags.length); }'),
    fc.tuple(num(d), str(d)).map(([limit, x]) => `{ let i = 0; while (i < Math.min(${limit}, 4)) { i += 1; if (i === 2) continue; text += ${x}; } }`),
    num(d).map((limit) => `for (let k = 0; k < Math.min(${limit}, 3); k++) { count += xs[k] ?? 1; }`),
    fc.tuple(str(d), str(d)).map(([x, y]) => `do { text += ${x} + "."; } while (text.length < 3 && (${y} as string) !== "");`),
    fc.tuple(str(d), str(d)).map(([a, x]) =>
      `switch (${a} as string) { case "a": text += "A"; break; case "1": case "10": count += 1; break; case "": return [${x}]; default: text += "d"; }`),
    num(d).map((x) => `switch (${x} as number) { case 0: text += "zero"; break; case 0.5: text += "half"; break; default: count += 1; }`),
    numbers(d).map((a) => `{ const copy = [...${a}]; const last = copy.pop(); const first = copy.shift(); count += (last ?? 0) - (first ?? 0) + copy.length; }`),
  ];
  if (depth <= 0) return fc.oneof(...simple);
  const inner = fc.array(statement(depth - 1), { minLength: 1, maxLength: 3 }).map((body) => body.join(" "));
  return fc.oneof(
    ...simple,
    fc.tuple(numbers(d), inner).map(([a, body]) => `for (const x of ${a}) { count += x; ${body} }`),
    fc.tuple(strings(d), inner).map(([a, body]) => `for (const [i, w] of ${a}.entries()) { text += \`\${i}:\${w};\`; ${body} }`),
    fc.tuple(record(d), inner).map(([o, body]) => `for (const [k, v] of Object.entries(${o})) { table[k + "_"] = v; text += k; ${body} }`),
    fc.tuple(bool(d), inner).map(([c, body]) => `if (${c}) { ${body} }`),
    fc.tuple(numbers(d), num(d)).map(([a, x]) => `for (const x of ${a}) { if (x > ${x}) break; count += 1; }`),
  );
};

/** One program: a few statements, then everything computed, as values and as text. */
export const programArbitrary = (name: string): fc.Arbitrary<Program> => fc.record({
  statements: fc.array(statement(1), { minLength: 1, maxLength: 4 }),
  results: fc.tuple(num(2), str(2), bool(2), numbers(1), strings(1), record(1)),
  inputs: fc.array(inputs, { minLength: 3, maxLength: 3 }),
}).map(({ statements, results, inputs: argumentSets }) => {
  const [x, text, flag, nums, strs, rec] = results;
  const source = [
    `export function ${name}(${PARAMETERS}): unknown[] {`,
    "  let count = 0;",
    '  let text = "";',
    "  const items: string[] = [];",
    "  const table: Record<string, number> = {};",
    ...statements.map((line) => `  ${line}`),
    `  const value = ${x};`,
    `  const numbers = ${nums};`,
    `  const record = ${rec};`,
    "  return [",
    `    count, String(count), text, items, Object.keys(table), Object.values(table),`,
    `    value, String(value), ${text}, ${flag},`,
    `    numbers, numbers.map((item) => String(item)).join(","), ${strs},`,
    `    Object.keys(record), Object.entries(record).map((pair) => pair[0] + "=" + String(pair[1])).join(","),`,
    "  ];",
    "}",
    "",
  ].join("\n");
  return { source, macro: name, inputs: argumentSets };
});

/** The name every program is generated with; samplePrograms renames each after sampling. */
const GENERATED_NAME = "generated";

function named(program: Program, macro: string): Program {
  return { ...program, macro, source: program.source.replace(`export function ${GENERATED_NAME}(`, `export function ${macro}(`) };
}

/**
 * `count` programs from `seed`, named `<prefix><index>`: fast-check's stream for that seed, so that the
 * same seed gives the same programs on every machine, and shrinkProgram can find program `index` again.
 */
export function samplePrograms(seed: number, count: number, prefix: string): Program[] {
  return fc.sample(programArbitrary(GENERATED_NAME), { seed, numRuns: count }).map((program, index) => named(program, `${prefix}${index}`));
}

/**
 * Shrinks program `index` of `samplePrograms(seed, …)`: fast-check replays the seed's stream (the
 * programs before it pass untried) and shrinks the failing one while `differs` still holds. Gives the
 * error fast-check reports, which shows the smallest program found.
 */
export async function shrinkProgram(seed: number, index: number, differs: (program: Program) => Promise<boolean>): Promise<string | undefined> {
  let calls = 0;
  try {
    await fc.assert(fc.asyncProperty(programArbitrary(GENERATED_NAME), async (program) => {
      calls += 1;
      if (calls <= index) return true;
      return !(await differs(named(program, `shrunk${calls}`)));
    }), { seed, numRuns: index + 1 });
    return undefined;
  } catch (error) {
    return String(error);
  }
}
