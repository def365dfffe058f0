// Small helpers over onnx-proto for building keel's graphs in memory: nodes,
// typed attributes, double/int64/string tensors, value infos and the encoded
// ModelProto (IR 8, opsets "" 17 and ai.onnx.ml 3). Shared by every exporter.

import { onnx } from "onnx-proto";

export const ML_DOMAIN = "ai.onnx.ml";
export const IR_VERSION = 8;
export const OPSETS = [
  { domain: "", version: 17 },
  { domain: ML_DOMAIN, version: 3 },
] as const;

export const ElemType = onnx.TensorProto.DataType;
const AttrType = onnx.AttributeProto.AttributeType;

/** A uint8 tensor (TreeEnsemble's node modes). */
export function uint8Tensor(name: string, values: ArrayLike<number>): onnx.ITensorProto {
  return {
    name,
    dims: [values.length],
    dataType: ElemType.UINT8,
    rawData: Uint8Array.from(values),
  };
}
const utf8 = new TextEncoder();

/** Typed attribute constructors: ONNX cares whether a number is an int or a float. */
export const attr = {
  int: (name: string, i: number): onnx.IAttributeProto => ({ name, type: AttrType.INT, i }),
  float: (name: string, f: number): onnx.IAttributeProto => ({ name, type: AttrType.FLOAT, f }),
  string: (name: string, s: string): onnx.IAttributeProto => ({
    name,
    type: AttrType.STRING,
    s: utf8.encode(s),
  }),
  ints: (name: string, ints: ArrayLike<number>): onnx.IAttributeProto => ({
    name,
    type: AttrType.INTS,
    ints: Array.from(ints),
  }),
  floats: (name: string, floats: ArrayLike<number>): onnx.IAttributeProto => ({
    name,
    type: AttrType.FLOATS,
    floats: Array.from(floats),
  }),
  strings: (name: string, strings: readonly string[]): onnx.IAttributeProto => ({
    name,
    type: AttrType.STRINGS,
    strings: strings.map((s) => utf8.encode(s)),
  }),
  tensor: (name: string, t: onnx.ITensorProto): onnx.IAttributeProto => ({
    name,
    type: AttrType.TENSOR,
    t,
  }),
};

export interface NodeOptions {
  name?: string;
  domain?: string;
  attributes?: onnx.IAttributeProto[];
}

export function makeNode(
  opType: string,
  inputs: string[],
  outputs: string[],
  options: NodeOptions = {},
): onnx.INodeProto {
  return {
    opType,
    input: inputs,
    output: outputs,
    name: options.name ?? `${opType}_${outputs[0]}`,
    domain: options.domain ?? "",
    attribute: options.attributes ?? [],
  };
}

/** Little-endian bytes of a typed array, as ONNX `raw_data` wants them. */
function rawBytes(values: Float64Array | BigInt64Array | Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * values.BYTES_PER_ELEMENT);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) {
    if (values instanceof Float64Array) view.setFloat64(i * 8, values[i]!, true);
    else if (values instanceof BigInt64Array) view.setBigInt64(i * 8, values[i]!, true);
    else view.setFloat32(i * 4, values[i]!, true);
  }
  return out;
}

export function doubleTensor(
  name: string,
  dims: number[],
  values: ArrayLike<number>,
): onnx.ITensorProto {
  return { name, dims, dataType: ElemType.DOUBLE, rawData: rawBytes(Float64Array.from(values)) };
}

export function floatTensor(
  name: string,
  dims: number[],
  values: ArrayLike<number>,
): onnx.ITensorProto {
  return { name, dims, dataType: ElemType.FLOAT, rawData: rawBytes(Float32Array.from(values)) };
}

export function int64Tensor(
  name: string,
  dims: number[],
  values: ArrayLike<number>,
): onnx.ITensorProto {
  const big = BigInt64Array.from(Array.from(values), (v) => BigInt(v));
  return { name, dims, dataType: ElemType.INT64, rawData: rawBytes(big) };
}

export function stringTensor(
  name: string,
  dims: number[],
  values: readonly string[],
): onnx.ITensorProto {
  return { name, dims, dataType: ElemType.STRING, stringData: values.map((s) => utf8.encode(s)) };
}

/** A tensor type; a string dim is symbolic (e.g. "N"), a number is fixed. */
export function valueInfo(
  name: string,
  elemType: onnx.TensorProto.DataType,
  dims: (number | string)[],
): onnx.IValueInfoProto {
  const dim = dims.map((d) => (typeof d === "string" ? { dimParam: d } : { dimValue: d }));
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}

/** A keel model input's element type: numbers and instants are doubles, categories and text strings. */
export function inputElement(feature: { type: string }): onnx.TensorProto.DataType {
  return feature.type === "numeric" || feature.type === "datetime"
    ? ElemType.DOUBLE
    : ElemType.STRING;
}

export interface ModelSpec {
  graphName: string;
  nodes: onnx.INodeProto[];
  inputs: onnx.IValueInfoProto[];
  outputs: onnx.IValueInfoProto[];
  initializers?: onnx.ITensorProto[];
  metadataProps?: { key: string; value: string }[];
  producerVersion?: string;
  docString?: string;
  /** Defaults: IR 8 with OPSETS; the tree ensembles need IR 10 and ai.onnx.ml 5. */
  irVersion?: number;
  opsets?: readonly { domain: string; version: number }[];
}

/** Encodes a complete model; the bytes own their buffer, so it can be transferred. */
export function encodeModel(spec: ModelSpec): Uint8Array {
  const model: onnx.IModelProto = {
    irVersion: spec.irVersion ?? IR_VERSION,
    opsetImport: (spec.opsets ?? OPSETS).map((o) => ({ domain: o.domain, version: o.version })),
    producerName: "keel",
    producerVersion: spec.producerVersion ?? "0.1.0",
    docString: spec.docString ?? "",
    graph: {
      name: spec.graphName,
      node: spec.nodes,
      input: spec.inputs,
      output: spec.outputs,
      initializer: spec.initializers ?? [],
    },
    metadataProps: spec.metadataProps ?? [],
  };
  const bytes = onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish();
  // protobufjs may hand back a view into a shared pool; copy into an own buffer.
  return new Uint8Array(bytes);
}

/** Decodes model bytes (tests, inspection). */
export function decodeModel(bytes: Uint8Array): onnx.ModelProto {
  return onnx.ModelProto.decode(bytes);
}

/** metadata_props of encoded model bytes as a plain record. */
export function readMetadataProps(bytes: Uint8Array): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of decodeModel(bytes).metadataProps) out[p.key ?? ""] = p.value ?? "";
  return out;
}
