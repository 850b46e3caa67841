// A small renderer for declarative Jenkinsfiles: a tree of blocks (`name(args) { ... }`) and
// lines, indented two spaces a level. Strings go through groovyString, which picks a form
// Groovy does not interpolate (single quotes, or ''' for multi-line shell scripts).
export type GNode = { block: string; body: GNode[] } | { line: string };

export const block = (name: string, ...body: (GNode | string)[]): GNode => ({ block: name, body: body.map((b) => (typeof b === 'string' ? { line: b } : b)) });

/** A Groovy string literal with no interpolation: '...' or '''...''' (multi-line). */
export function groovyString(s: string): string {
  const esc = s.replace(/\\/g, '\\\\');
  if (!s.includes('\n')) return `'${esc.replace(/'/g, "\\'")}'`;
  return `'''${esc.replace(/'''/g, "\\'\\'\\'")}'''`;
}

/** `sh 'script'` (multi-line scripts as ''' blocks). */
export const sh = (script: string): string => `sh ${groovyString(script)}`;

export function renderGroovy(nodes: GNode[], indent = 0): string {
  const pad = '  '.repeat(indent);
  const lines: string[] = [];
  for (const n of nodes) {
    if ('line' in n) {
      // continuation lines of a ''' string keep their own indentation
      const [first, ...rest] = n.line.split('\n');
      lines.push(pad + first, ...rest);
    } else {
      lines.push(`${pad}${n.block} {`);
      if (n.body.length) lines.push(renderGroovy(n.body, indent + 1));
      lines.push(`${pad}}`);
    }
  }
  return lines.join('\n');
}
