// Scenarios where cairn differs from DVC by a known bug, each with the issue item that fixes
// it. The parity test asserts that each still differs, so a fix makes the test fail until its
// entry is removed here. `bullet` is the issue bullet's text. Empty since issue 10 items 3-5
// landed: every difference left is on purpose (a `differs` entry in scenarios.ts, docs/dvc.md).
export interface Pending {
  scenario: string;
  item: string;
  bullet: string;
}

export const pending: Pending[] = [];
