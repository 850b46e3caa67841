// Scenarios where cairn differs from DVC by a bug that an issue item fixes (issue 10 items
// 3-5, fixed on other branches). The parity test asserts that each still differs, so a fix
// makes the test fail until its entry is removed here. `bullet` is the issue bullet's text.
export interface Pending {
  scenario: string;
  item: string;
  bullet: string;
}

const I3 = 'issue 10 item 3 (tracking and checkout)';
const I4 = 'issue 10 item 4 (pipelines)';
const I5 = 'issue 10 item 5 (history and gc)';

export const pending: Pending[] = [
  { scenario: 'add keeps the executable bit of a file', item: I3, bullet: '`add` records the executable bit of a single file, and `checkout` restores it.' },
  { scenario: 'add refuses a target whose pointer is git-ignored', item: I3, bullet: '`add` refuses a folder that is a symlink, a target whose pointer would be git-ignored, and a path that is a pipeline output.' },
  { scenario: 'add refuses a pipeline output', item: I3, bullet: '`add` refuses a folder that is a symlink, a target whose pointer would be git-ignored, and a path that is a pipeline output.' },
  { scenario: 'add through a symlink tracks a regular file', item: I3, bullet: 'A file added through a symlink becomes a regular tracked file.' },
  { scenario: 'checkout recreates a tracked empty folder', item: I3, bullet: '`checkout` recreates a tracked empty folder.' },
  { scenario: 'checkout removes data whose pointer git took away', item: I3, bullet: 'After `git checkout` of a branch where a pointer is gone, `checkout` removes that data if its content is cached (DVC does), instead of leaving it untracked.' },
  { scenario: 'checkout of one file inside a folder', item: I3, bullet: '`checkout data/sub/file` restores only that path; today it restores the whole folder.' },
  { scenario: 'checkout keeps an untracked file inside a tracked folder, and says so', item: I3, bullet: '`checkout` warns about untracked files that it keeps inside a tracked folder. The docs promise the warning; none is printed.' },
  { scenario: 'add keeps desc and meta of an existing pointer', item: I3, bullet: '`add`/`commit` keep the per-output fields (`desc`, `meta`, `type`, `labels`) and the comments of an existing pointer.' },
  { scenario: 'remove deletes a .gitignore it left empty', item: I3, bullet: '`remove` deletes a `.gitignore` it left empty.' },
  { scenario: 'repro runs a stage with no deps every time', item: I4, bullet: 'A stage with no deps runs on every `repro`. It is a callback stage, as in DVC, and is never restored from the run-cache.' },
  { scenario: 'repro after a file is added to an output folder', item: I4, bullet: 'After a file is added to an output folder by hand, `repro` removes the outputs before it restores or runs them.' },
  { scenario: 'repro of a stage with a tracked data dep updates the pointer', item: I4, bullet: '`repro` of a stage whose dep is a tracked data source updates that pointer.' },
  { scenario: 'commit of a stage writes its lock', item: I4, bullet: '`commit <stage>` writes the lock for that stage.' },
  { scenario: 'stage-level vars', item: I4, bullet: 'Stage-level `vars`, `${key}` inside `matrix`, and `vars` entries that merge nested mappings all work as in DVC.' },
  { scenario: 'vars entries merge nested mappings', item: I4, bullet: 'Stage-level `vars`, `${key}` inside `matrix`, and `vars` entries that merge nested mappings all work as in DVC.' },
  { scenario: 'status of a whole-file params dep that is missing', item: I4, bullet: 'A whole-file params dep whose file is missing shows as `deleted` in `status`; today all of `status` fails with exit 2.' },
  { scenario: 'metrics from a top-level metrics list', item: I4, bullet: 'A top-level `metrics:` (and `plots:`) list in `cairn.yaml` is read by `metrics show/diff`.' },
  { scenario: 'a metrics file holding one number', item: I4, bullet: 'A metrics file holding a single number is shown under an empty key.' },
  { scenario: 'params diff --targets', item: I5, bullet: '`params diff --targets` and `metrics diff --targets` exist.' },
];
