// The ONNX nodes that turn a datetime input — double [N, 1], seconds since the
// epoch (NaN = missing) — into its calendar parts, each a tensor named
// `<feature>.<part>` as the trainers' numeric columns are (datetime-features.ts).
// Only Floor, Div, Mul, Add, Sub, comparisons and Cast, in double: the same
// operations, in the same order, as data/datetime.ts, so the parts are the
// same integers to the bit, and a missing instant gives missing parts.

import type { onnx } from "onnx-proto";
import { type DatetimePart, partName } from "../data/datetime.ts";
import type { FeatureSignature } from "../registry/model-format.ts";
import { attr, doubleTensor, ElemType, makeNode } from "./onnx-builder.ts";

interface GraphParts {
  nodes: onnx.INodeProto[];
  initializers: onnx.ITensorProto[];
}

/** Adds the nodes deriving `feature`'s parts from its input; names them as the trainers did. */
export function datetimePrelude(g: GraphParts, feature: FeatureSignature): void {
  const parts = feature.datetime?.parts ?? [];
  if (parts.length === 0) return;
  const f = arithmetic(g, `keel/dt/${feature.name}`);
  const s = feature.name;
  const days = f.floor(f.div(s, 86_400));
  const computed: Partial<Record<DatetimePart, () => string>> = {
    hour: () => f.floor(f.div(f.sub(s, f.mul(days, 86_400)), 3600)),
    day_of_week: () => f.mod(f.add(days, 3), 7),
  };
  let civilParts: { year: string; month: string } | undefined;
  const civil = () => {
    civilParts ??= civilFromDays(f, days);
    return civilParts;
  };
  computed.year = () => civil().year;
  computed.month = () => civil().month;
  computed.day_of_year = () => f.add(f.sub(days, januaryFirst(f, civil().year)), 1);
  for (const part of parts) f.name(computed[part]!(), partName(feature.name, part));
}

/** Year and month of a count of days since 1970-01-01, as datetime.ts's civilFromDays. */
function civilFromDays(f: Arithmetic, days: string): { year: string; month: string } {
  const z = f.add(days, 719_468);
  const era = f.floor(f.div(z, 146_097));
  const doe = f.sub(z, f.mul(era, 146_097));
  const yoeNumerator = f.sub(
    f.add(f.sub(doe, f.floor(f.div(doe, 1460))), f.floor(f.div(doe, 36_524))),
    f.floor(f.div(doe, 146_096)),
  );
  const yoe = f.floor(f.div(yoeNumerator, 365));
  const doy = f.sub(
    doe,
    f.sub(f.add(f.mul(yoe, 365), f.floor(f.div(yoe, 4))), f.floor(f.div(yoe, 100))),
  );
  const mp = f.floor(f.div(f.add(f.mul(doy, 5), 2), 153));
  const month = f.sub(f.add(mp, 3), f.mul(f.flag("GreaterOrEqual", mp, 10), 12));
  const year = f.add(f.add(yoe, f.mul(era, 400)), f.flag("LessOrEqual", month, 2));
  return { year, month };
}

/** Days since 1970-01-01 of January 1st of `year`, as datetime.ts's daysFromCivil(year, 1, 1). */
function januaryFirst(f: Arithmetic, year: string): string {
  const y = f.sub(year, 1);
  const era = f.floor(f.div(y, 400));
  const yoe = f.sub(y, f.mul(era, 400));
  const doe = f.add(
    f.sub(f.add(f.mul(yoe, 365), f.floor(f.div(yoe, 4))), f.floor(f.div(yoe, 100))),
    306,
  );
  return f.sub(f.add(f.mul(era, 146_097), doe), 719_468);
}

type Operand = string | number;

interface Arithmetic {
  add(a: Operand, b: Operand): string;
  sub(a: Operand, b: Operand): string;
  mul(a: Operand, b: Operand): string;
  div(a: Operand, b: Operand): string;
  floor(a: string): string;
  /** a − b·⌊a/b⌋ */
  mod(a: string, b: number): string;
  /** 1 where `a op b` holds, else 0 (false for NaN), as a double. */
  flag(op: "GreaterOrEqual" | "LessOrEqual", a: string, b: number): string;
  /** Gives the tensor `from` the name `to`. */
  name(from: string, to: string): void;
}

/** Elementwise double arithmetic on [N, 1] tensors, constants as [1] initialisers. */
function arithmetic(g: GraphParts, prefix: string): Arithmetic {
  let next = 0;
  const constants = new Map<number, string>();
  const operand = (x: Operand): string => {
    if (typeof x === "string") return x;
    let name = constants.get(x);
    if (!name) {
      name = `${prefix}/c${constants.size}`;
      constants.set(x, name);
      g.initializers.push(doubleTensor(name, [1], [x]));
    }
    return name;
  };
  const op = (type: string, inputs: Operand[], attributes?: onnx.IAttributeProto[]) => {
    const out = `${prefix}/t${next++}`;
    g.nodes.push(makeNode(type, inputs.map(operand), [out], attributes ? { attributes } : {}));
    return out;
  };
  const floor = (a: string) => op("Floor", [a]);
  const self: Arithmetic = {
    add: (a, b) => op("Add", [a, b]),
    sub: (a, b) => op("Sub", [a, b]),
    mul: (a, b) => op("Mul", [a, b]),
    div: (a, b) => op("Div", [a, b]),
    floor,
    mod: (a, b) => self.sub(a, self.mul(floor(self.div(a, b)), b)),
    flag: (type, a, b) => op("Cast", [op(type, [a, b])], [attr.int("to", ElemType.DOUBLE)]),
    name: (from, to) => {
      g.nodes.push(makeNode("Identity", [from], [to]));
    },
  };
  return self;
}
