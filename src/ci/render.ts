// Workflows as text: YAML for GitHub Actions and GitLab CI (the yaml package), Groovy for
// Jenkins (ci/groovy.ts). Plain data in, a string out.
import { yaml } from '../io/yaml.js';
import type { CiPlan } from './detect.js';
import { GITHUB_FILE, githubWorkflow } from './github.js';
import { GITLAB_FILE, gitlabCi } from './gitlab.js';
import { JENKINS_FILE, renderJenkinsfile } from './jenkins.js';

export type CiTarget = 'github' | 'jenkins' | 'gitlab';

export const CI_FILES: Record<CiTarget, string> = { github: GITHUB_FILE, jenkins: JENKINS_FILE, gitlab: GITLAB_FILE };

function yamlText(doc: unknown, target: string): string {
  // lineWidth 0: never fold long run: lines; aliasDuplicateObjects false: no &anchors
  const body = yaml().stringify(doc, { lineWidth: 0, aliasDuplicateObjects: false });
  return `# Written by \`cairn ci init --${target}\` for this repository's pipeline (see docs/ci.md).\n${body}`;
}

export function renderWorkflow(target: CiTarget, plan: CiPlan): string {
  if (target === 'github') return yamlText(githubWorkflow(plan), target);
  if (target === 'gitlab') return yamlText(gitlabCi(plan), target);
  return renderJenkinsfile(plan);
}
