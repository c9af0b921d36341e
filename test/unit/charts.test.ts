import { describe, expect, it } from 'vitest';
import { BAR_CHART, LINE_CHART, barChart, dataTable, lineChart, niceStep } from '../../shared/adapters/html/charts';

const text = { id: 'chart-test', title: 'Aree cliniche', description: 'Progetti per area clinica.' };

/** The values of one attribute on every element of a tag, in document order. */
const attributes = (svg: string, tag: string, name: string) =>
  [...svg.matchAll(new RegExp(`<${tag}\\b[^>]*?\\s${name}="([^"]*)"`, 'g'))].map((match) => match[1]!);

const barWidths = (svg: string) =>
  [...svg.matchAll(/<rect class="bar-fill"[^>]*?\swidth="([^"]*)"/g)].map((match) => Number(match[1]));

describe('barChart', () => {
  it('draws bars proportional to their values, the largest as wide as the chart', () => {
    // Act
    const svg = barChart(
      [
        { key: 'cardiology', label: 'Cardiologia', value: 8 },
        { key: 'oncology', label: 'Oncologia', value: 4 },
        { key: 'pulmonology', label: 'Pneumologia', value: 2 },
        { key: 'neurology', label: 'Neurologia', value: 0 },
      ],
      text,
    ).value;

    // Assess
    expect(barWidths(svg)).toEqual([BAR_CHART.width, BAR_CHART.width / 2, BAR_CHART.width / 4, 0]);
    expect(attributes(svg, 'g', 'data-key')).toEqual(['cardiology', 'oncology', 'pulmonology', 'neurology']);
    expect(svg).toContain('>Cardiologia</text>');
  });

  it('keeps a tiny positive value visible', () => {
    const svg = barChart(
      [
        { key: 'a', label: 'A', value: 10_000 },
        { key: 'b', label: 'B', value: 1 },
      ],
      text,
    ).value;
    expect(barWidths(svg)).toEqual([BAR_CHART.width, 2]);
  });

  it('is an accessible image with a title and a description that carries the values', () => {
    const svg = barChart([{ key: 'cardiology', label: 'Cardiologia', value: 1200 }], { ...text, format: (value) => value.toLocaleString('it-IT', { useGrouping: true }) }).value;
    expect(svg).toMatch(/^<svg [^>]*role="img"[^>]*aria-labelledby="chart-test-title chart-test-desc"/);
    expect(svg).toContain('<title id="chart-test-title">Aree cliniche</title>');
    expect(svg).toContain('<desc id="chart-test-desc">Progetti per area clinica. Cardiologia: 1.200.</desc>');
    expect(svg).toMatch(/viewBox="0 0 360 \d+"/);
  });

  it('escapes labels, keys and titles: a <script> in a label never appears raw', () => {
    // Act
    const svg = barChart([{ key: '"><script>', label: '<script>alert(1)</script> & co', value: 3 }], {
      ...text,
      title: '<b>Partner</b>',
      description: 'A "quoted" <i>description</i>',
    }).value;

    // Assess
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('<b>');
    expect(svg).not.toContain('<i>');
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; co');
    expect(svg).toContain('data-key="&quot;&gt;&lt;script&gt;"');
  });

  it('shortens a long label in the chart and keeps it whole in the tooltip', () => {
    const label = 'Istituti Clinici Scientifici Maugeri, sede di Pavia e di Montescano';
    const svg = barChart([{ key: 'maugeri', label, value: 1 }], text).value;
    expect(svg).toContain(`<title>${label}: 1</title>`);
    const shown = /<text class="bar-label"[^>]*>([^<]*)<\/text>/.exec(svg)?.[1] ?? '';
    expect(shown.endsWith('…')).toBe(true);
    expect([...shown].length).toBeLessThanOrEqual(BAR_CHART.maxLabel);
  });

  it('says there is nothing to draw when there are no bars', () => {
    const svg = barChart([], { ...text, emptyText: 'Nessun progetto' }).value;
    expect(svg).toContain('role="img"');
    expect(svg).toContain('>Nessun progetto</text>');
    expect(svg).not.toContain('<rect');
    expect(svg).not.toContain('NaN');
  });

  it('draws no bar and no NaN when every value is zero', () => {
    const svg = barChart([{ key: 'a', label: 'A', value: 0 }, { key: 'b', label: 'B', value: 0 }], text).value;
    expect(barWidths(svg)).toEqual([0, 0]);
    expect(svg).not.toContain('NaN');
  });
});

describe('lineChart', () => {
  const points = [
    { at: '2026-03-03T09:00:00.000Z', value: 30 },
    { at: '2026-03-01T09:00:00.000Z', value: 10 },
    { at: '2026-03-02T09:00:00.000Z', value: 20 },
  ];

  it('draws the points oldest to newest, whatever their order, with x proportional to time', () => {
    // Act
    const svg = lineChart(points, { ...text, id: 'trend' }).value;

    // Assess: markers and the line in time order, spread evenly as the days are.
    expect(attributes(svg, 'circle', 'data-at')).toEqual(['2026-03-01T09:00:00.000Z', '2026-03-02T09:00:00.000Z', '2026-03-03T09:00:00.000Z']);
    const line = /<polyline class="line" points="([^"]+)"/.exec(svg)?.[1] ?? '';
    const xy = line.split(' ').map((pair) => pair.split(',').map(Number) as [number, number]);
    expect(xy.map(([x]) => x)).toEqual([LINE_CHART.left, (LINE_CHART.left + LINE_CHART.right) / 2, LINE_CHART.right]);
    // Higher values are higher up (smaller y).
    expect(xy[0]![1]).toBeGreaterThan(xy[1]![1]);
    expect(xy[1]![1]).toBeGreaterThan(xy[2]![1]);
    expect(svg).toContain('<desc id="trend-desc">Progetti per area clinica. 2026-03-01: 10; 2026-03-02: 20; 2026-03-03: 30.</desc>');
  });

  it('starts the value axis at zero and ends it on a round number', () => {
    const svg = lineChart(points, { ...text, id: 'trend' }).value;
    const ticks = [...svg.matchAll(/<text class="tick"[^>]*text-anchor="end"[^>]*>([^<]*)<\/text>/g)].map((match) => match[1]);
    expect(ticks.slice(0, 4)).toEqual(['0', '10', '20', '30']);
    expect(niceStep(59_200)).toBe(20_000);
    expect(niceStep(2)).toBe(1);
    expect(niceStep(0)).toBe(1);
  });

  it('draws one point, no line, for a single moment; and says so when there is nothing', () => {
    const one = lineChart([{ at: '2026-03-01T09:00:00.000Z', value: 5 }], { ...text, id: 'one' }).value;
    expect(one).not.toContain('<polyline');
    expect(attributes(one, 'circle', 'data-value')).toEqual(['5']);
    expect(one).not.toContain('NaN');

    const none = lineChart([{ at: 'not a date', value: 5 }], { ...text, id: 'none', emptyText: 'Nessun dato' }).value;
    expect(none).toContain('>Nessun dato</text>');
    expect(none).not.toContain('<circle');
  });

  it('escapes the formatted times and the title', () => {
    const svg = lineChart(points, { ...text, id: 'x', title: '<script>x</script>', formatTime: () => '<img src=x>' }).value;
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('<img');
  });
});

describe('dataTable', () => {
  it('gives the chart data as a table with row headers, escaped', () => {
    const table = dataTable('Partner', ['Partner', 'Progetti'], [['<Humanitas>', '2']]).value;
    expect(table).toBe(
      '<table class="data"><caption>Partner</caption><thead><tr><th scope="col">Partner</th><th scope="col" class="num">Progetti</th></tr></thead>' +
        '<tbody><tr><th scope="row">&lt;Humanitas&gt;</th><td class="num">2</td></tr></tbody></table>',
    );
  });
});
