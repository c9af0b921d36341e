import { DEFAULT_TEXTS_VERSION, ReportTexts, SavedBy, type ReportTextsVersion } from '../core/report-texts';

/**
 * The report's editorial texts, one item per saved version; a save never overwrites one, so the
 * history is every version ever saved.
 */
export interface ReportTextStore {
  /** The newest saved version; none before the first save. */
  current(): Promise<ReportTextsVersion | undefined>;
  /** Every saved version, newest first. */
  history(): Promise<ReportTextsVersion[]>;
  /** Stores `version` only if no version of that number exists; false when one does (someone saved meanwhile). */
  create(version: ReportTextsVersion): Promise<boolean>;
}

/** One problem of a texts file: where (`findings.0.title.en`) and what. */
export interface TextProblem {
  path: string;
  message: string;
}

/** The texts did not pass validation: nothing was written. */
export class InvalidReportTexts extends Error {
  constructor(readonly problems: TextProblem[]) {
    super(`The texts are not valid (${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}): ${problems.map((p) => `${p.path || '(the file)'}: ${p.message}`).join('; ')}`);
    this.name = 'InvalidReportTexts';
  }
}

/** Another save took the version number first: nothing was written. */
export class ReportTextsConflict extends Error {
  constructor(readonly version: number) {
    super(`Version ${version} was saved by someone else meanwhile: show the current texts and save again.`);
    this.name = 'ReportTextsConflict';
  }
}

/** The texts an input stands for, or every problem with it. */
export function parseReportTexts(input: unknown): { ok: true; texts: ReportTexts } | { ok: false; problems: TextProblem[] } {
  const parsed = ReportTexts.safeParse(input);
  if (parsed.success) return { ok: true, texts: parsed.data };
  return { ok: false, problems: parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })) };
}

/** The texts the report shows: the newest saved version, or the release's defaults (version 0). */
export async function currentReportTexts(store: ReportTextStore): Promise<ReportTextsVersion> {
  return (await store.current()) ?? DEFAULT_TEXTS_VERSION;
}

/**
 * Saves texts as a new version, after the current one, with who and when. Validates first: an
 * invalid input throws {@link InvalidReportTexts} and writes nothing; a concurrent save of the same
 * number throws {@link ReportTextsConflict} and writes nothing either.
 */
export async function saveReportTexts(store: ReportTextStore, input: unknown, by: string, now: Date): Promise<ReportTextsVersion> {
  const parsed = parseReportTexts(input);
  if (!parsed.ok) throw new InvalidReportTexts(parsed.problems);
  const who = SavedBy.safeParse(by);
  if (!who.success) throw new InvalidReportTexts(who.error.issues.map((issue) => ({ path: 'by', message: issue.message })));
  const savedBy = who.data;
  const version: ReportTextsVersion = { version: ((await store.current())?.version ?? 0) + 1, savedAt: now.toISOString(), savedBy, texts: parsed.texts };
  if (!(await store.create(version))) throw new ReportTextsConflict(version.version);
  return version;
}
