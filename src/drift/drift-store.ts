// The drift monitor's durable state and the narrow interface its stores
// implement (SQLite and PostgreSQL, one contract): the live window of captured
// predictions from every replica, reference profiles per model version (and
// which one is active), and the history of drift reports.

export type LabelValue = string | number;

export interface LiveRow {
  predictionId: string;
  modelName: string;
  version: number;
  /** Epoch ms when the prediction was answered. */
  at: number;
  inputs: Record<string, unknown>;
  prediction: LabelValue;
  /** A classifier's probabilities, in its class order (the label-free estimate reads them). */
  probabilities?: number[] | null;
  label?: LabelValue | null;
  /** What the shadow challenger answered for the same row, when it scored it. */
  shadow?: ShadowScore | null;
}

/** One row as the shadow version scored it (serving/shadow.ts). */
export interface ShadowScore {
  version: number;
  prediction: LabelValue;
  probabilities?: number[] | null;
}

export interface LabelledRow {
  version: number;
  prediction: LabelValue;
  label: LabelValue;
  shadow?: ShadowScore | null;
}

export interface ReferenceRecord {
  id: number;
  modelName: string;
  /** The version whose training data it profiles; null for an uploaded reference. */
  version: number | null;
  source: "training" | "upload";
  rows: number;
  createdAt: string;
  profile: Uint8Array;
}

export interface ActiveReference extends ReferenceRecord {
  /** Epoch ms since which the live window is compared with this reference. */
  activatedAt: number;
}

export type ReportTrigger = "api" | "schedule" | "policy";

export interface StoredReport {
  id: number;
  modelName: string;
  version: number | null;
  referenceId: number;
  trigger: ReportTrigger;
  createdAt: string;
  report: Record<string, unknown>;
}

export interface DriftStore {
  /** Adds captured rows; a prediction id already in the window is kept as it was. */
  appendLiveRows(rows: LiveRow[]): Promise<void>;
  /** Drops rows older than `minAt` and all but the newest `maxRows`; returns how many went. */
  pruneLiveRows(modelName: string, limits: { maxRows: number; minAt: number }): Promise<number>;
  countLiveRows(modelName: string, sinceAt?: number): Promise<number>;
  /** The newest `limit` rows answered at or after `sinceAt`, oldest first. */
  liveRows(modelName: string, options: { sinceAt: number; limit: number }): Promise<LiveRow[]>;
  findLiveRow(predictionId: string): Promise<LiveRow | undefined>;
  /** Records the shadow's answers for rows already in the window (ids not there are skipped). */
  setShadowScores(scores: { predictionId: string; score: ShadowScore }[]): Promise<void>;
  /** Joins ground truth to a captured prediction; undefined when the id is not in the window. */
  setLabel(predictionId: string, label: LabelValue, at: number): Promise<LiveRow | undefined>;
  labelledRows(modelName: string): Promise<LabelledRow[]>;
  saveReference(input: Omit<ReferenceRecord, "id" | "createdAt">): Promise<ReferenceRecord>;
  referenceForVersion(modelName: string, version: number): Promise<ReferenceRecord | undefined>;
  activeReference(modelName: string): Promise<ActiveReference | undefined>;
  activateReference(modelName: string, referenceId: number, at: number): Promise<void>;
  saveReport(input: Omit<StoredReport, "id" | "createdAt">): Promise<StoredReport>;
  latestReport(modelName: string): Promise<StoredReport | undefined>;
  reports(modelName: string, limit: number): Promise<StoredReport[]>;
}
