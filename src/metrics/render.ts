// Moved to src/render/ (table.ts, values.ts): rendering is a pure leaf used by the CLI.
// Kept as a re-export while other branches still import it; new code imports src/render/.
export { textTable, mdTable, csvTable } from '../render/table.js';
export { formatValue, diffCells, showCells, DIFF_HEADER } from '../render/values.js';
