/** One line of the printed table. `met` is undefined for figures reported without a target. */
export interface Row {
  figure: string;
  value: string;
  target: string;
  met?: boolean;
}

/** The rows of one figure and the line that says how it was measured. */
export interface Section {
  title: string;
  rows: Row[];
  note: string;
}

const verdict = (met: boolean | undefined) => (met === undefined ? '—' : met ? 'yes' : 'NO');

/** Formats bytes in kilobytes of 1,000 bytes, as the bundle target is read. */
export const kb = (bytes: number): string => `${(bytes / 1000).toFixed(1)} KB`;
export const ms = (value: number, digits = 2): string => `${value.toFixed(digits)} ms`;
export const times = (value: number): string => `${value.toFixed(2)}x`;

/** The sections as one fixed-width table, with each section's note under its rows. */
export function renderTable(sections: readonly Section[]): string {
  const rows = sections.flatMap((section) => section.rows);
  const width = {
    figure: Math.max('figure'.length, ...rows.map((row) => row.figure.length)),
    value: Math.max('value'.length, ...rows.map((row) => row.value.length)),
    target: Math.max('target'.length, ...rows.map((row) => row.target.length)),
  };
  const line = (figure: string, value: string, target: string, met: string) =>
    `${figure.padEnd(width.figure)}  ${value.padEnd(width.value)}  ${target.padEnd(width.target)}  ${met}`.trimEnd();
  const rule = '-'.repeat(width.figure + width.value + width.target + 11);
  const out = [line('figure', 'value', 'target', 'met?'), rule];
  for (const section of sections) {
    out.push(`[${section.title}]`);
    for (const row of section.rows) out.push(line(row.figure, row.value, row.target, verdict(row.met)));
    out.push(...wrap(section.note, Math.max(rule.length, 88) - 8).map((text, i) => `${i === 0 ? '  note: ' : '        '}${text}`), rule);
  }
  return out.join('\n');
}

/** Breaks `text` at spaces into lines of at most `width` characters (a longer word gets a line of its own). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.trim().split(/\s+/)) {
    if (current && current.length + 1 + word.length > width) {
      lines.push(current);
      current = word;
    } else {
      current = current ? `${current} ${word}` : word;
    }
  }
  if (current) lines.push(current);
  return lines;
}
