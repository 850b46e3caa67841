// `cairn gate --junit FILE`: the gate report as JUnit XML, one test case per rule, for
// Jenkins' `junit` step and GitLab's test reports. A failing rule is a <failure>; an
// inconclusive one fails too unless on_inconclusive is pass or warn (then it is noted in
// <system-out>); a skipped rule is <skipped>. Pure.
import { xmlText as xml } from '../../render/xml.js';
import { ciText, fmt, ruleText } from './format.js';
import type { GateReport } from './report.js';

export function gateJunit(rep: GateReport): string {
  let failures = 0;
  let skipped = 0;
  const cases = rep.rules.map((r) => {
    const name = `${r.metric} ${ruleText(r)}`;
    const detail = `candidate ${fmt(r.candidate)}, baseline ${fmt(r.baseline)}, delta ${fmt(r.delta)}, CI ${ciText(r, 1 - rep.alpha)}, p ${fmt(r.p_adjusted ?? r.p)}${r.test ? `, ${r.test}` : ''}`;
    const head = `    <testcase classname="cairn.gate.${r.kind}" name="${xml(name)}"`;
    const inconclusiveFails = r.verdict === 'inconclusive' && rep.on_inconclusive === 'fail';
    if (r.verdict === 'skipped') {
      skipped++;
      return `${head}>\n      <skipped message="${xml(detail)}"/>\n    </testcase>`;
    }
    if (r.verdict === 'fail' || inconclusiveFails) {
      failures++;
      return `${head}>\n      <failure type="${r.verdict}" message="${xml(`${r.verdict}: ${detail}`)}">${xml(r.detectable_effect !== null ? `smallest detectable effect at n = ${rep.n}: ±${fmt(r.detectable_effect)}` : detail)}</failure>\n    </testcase>`;
    }
    if (r.verdict === 'inconclusive') return `${head}>\n      <system-out>${xml(`inconclusive (on_inconclusive: ${rep.on_inconclusive}): ${detail}`)}</system-out>\n    </testcase>`;
    return `${head}>\n      <system-out>${xml(detail)}</system-out>\n    </testcase>`;
  });
  const n = rep.rules.length;
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="cairn gate" tests="${n}" failures="${failures}" errors="0" skipped="${skipped}">`,
    `  <testsuite name="${xml(`cairn gate ${rep.candidate.predictions.path} (n = ${rep.n}, verdict ${rep.verdict})`)}" tests="${n}" failures="${failures}" errors="0" skipped="${skipped}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
