import { describe, expect, it } from 'vitest';
import { renderPlotsPage } from '../../src/render/plots-page.js';
import { parseSeries } from '../../src/metrics/plots.js';

const scripts = { vega: 'var vega={}; // </script> inside a build', vegaLite: 'var vl={};', vegaEmbed: 'function vegaEmbed(){}' };

describe('renderPlotsPage', () => {
  it('escapes headings, notes and messages, and keeps data from closing the script', () => {
    const evil = '</script><script>alert(1)</script><img src=x onerror=alert(2)>';
    const html = renderPlotsPage(
      [
        { heading: evil, note: `note ${evil}`, spec: { title: evil, data: { values: [{ x: evil }] } } },
        { heading: 'e.csv', message: `e.csv: nothing to draw; fields found: ${evil} (text)` },
      ],
      scripts,
      `title ${evil}`,
    );
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<img src=x');
    // the only script tags are ours: the error hook, the three builds, the embed code
    expect(html.match(/<script>/g)).toHaveLength(5);
    expect(html).not.toMatch(/<script[^>]+src=/);
    // a build that contains </script is neutralised
    expect(html).toContain('// <\\/script> inside a build');
    expect(html).toContain('<h2>&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;</h2>');
    // the empty chart: the message where the chart would be, and no spec for it
    expect(html).toContain('<div id="plot-1" class="chart"><p class="empty" role="alert">e.csv: nothing to draw; fields found: &lt;/script&gt;');
    const specs = /var specs = (.*);\n/.exec(html)![1]!;
    expect(specs).not.toContain('<');
    const parsed = JSON.parse(specs);
    expect(parsed[1]).toBeNull();
    expect(parsed[0].data.values[0].x).toBe(evil);
  });
});

describe('parseSeries on hostile headers', () => {
  it('a __proto__ column is an own field, not a prototype', () => {
    const [r] = parseSeries('__proto__,constructor\n1,2\n', 'p.csv');
    expect(Object.keys(r!)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(r)).toBe(Object.prototype);
    expect(r!['__proto__']).toBe(1);
  });
});
