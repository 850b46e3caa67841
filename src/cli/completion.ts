// Shell completion scripts (bash, zsh, fish) generated from the commander tree, so every
// command and option registered in src/cli/commands/ completes without a hand-kept list.
// Words: subcommands of the command typed so far, its options after a '-', files otherwise.
import type { Command } from 'commander';

export interface CompletionNode {
  name: string;
  description: string;
  options: { flags: string[]; description: string }[];
  commands: CompletionNode[];
}

export type Shell = 'bash' | 'zsh' | 'fish';
export const SHELLS: readonly Shell[] = ['bash', 'zsh', 'fish'];

/** The plain tree of a commander program (names, descriptions, option flags). */
export function completionTree(cmd: Command): CompletionNode {
  const options = cmd.options.map((o) => ({ flags: [o.short, o.long].filter((f): f is string => !!f), description: o.description }));
  options.push({ flags: ['-h', '--help'], description: 'display help for command' });
  return {
    name: cmd.name(),
    description: cmd.description(),
    options,
    commands: cmd.commands
      .filter((c) => !(c as unknown as { _hidden?: boolean })._hidden)
      .map(completionTree)
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** Every command path ('' for the program, 'model show', ...) with its node. */
function paths(root: CompletionNode, prefix = ''): [string, CompletionNode][] {
  return [[prefix, root], ...root.commands.flatMap((c) => paths(c, prefix ? `${prefix} ${c.name}` : c.name))];
}

/** POSIX single quoting (bash, zsh). */
const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

export function completionScript(shell: Shell, root: CompletionNode): string {
  const all = paths(root);
  const prog = root.name;
  const fn = `_${prog.replace(/[^A-Za-z0-9_]/g, '_')}`;
  if (shell === 'bash') {
    const cases = all
      .map(([p, n]) => `    ${sq(p)}) words=${sq([...n.commands.map((c) => c.name), ...n.options.flatMap((o) => o.flags)].join(' '))} ;;`)
      .join('\n');
    const known = all.map(([p]) => sq(p)).join(' ');
    return `# ${prog} completion for bash: source it, or save it as /etc/bash_completion.d/${prog}
${fn}_words() {
  local words=''
  case "$1" in
${cases}
  esac
  printf '%s' "$words"
}
${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path='' w i known
  local -a paths=(${known})
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    [[ $w == -* ]] && continue
    for known in "\${paths[@]}"; do
      if [[ $known == "\${path:+$path }$w" ]]; then path="$known"; break; fi
    done
  done
  local words
  words="$(${fn}_words "$path")"
  if [[ $cur == -* ]]; then
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
  else
    COMPREPLY=($(compgen -W "$(printf '%s\\n' $words | grep -v '^-')" -- "$cur"))
  fi
}
complete -o default -o bashdefault -F ${fn} ${prog}
`;
  }
  if (shell === 'zsh') {
    const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/:/g, '\\:');
    const cmds = all
      .filter(([, n]) => n.commands.length)
      .map(([p, n]) => `${fn}_cmds[${sq(p)}]=${sq(n.commands.map((c) => `${esc(c.name)}:${esc(oneLine(c.description))}`).join('\n'))}`)
      .join('\n');
    const opts = all.map(([p, n]) => `${fn}_opts[${sq(p)}]=${sq(n.options.flatMap((o) => o.flags).join(' '))}`).join('\n');
    return `#compdef ${prog}
# ${prog} completion for zsh: save it as _${prog} in a folder of $fpath, or source it
typeset -gA ${fn}_cmds ${fn}_opts
${cmds}
${opts}
${fn}() {
  local p='' w
  for w in "\${(@)words[2,CURRENT-1]}"; do
    [[ $w == -* ]] && continue
    if (( \${+${fn}_opts[\${p:+$p }$w]} )); then p="\${p:+$p }$w"; fi
  done
  if [[ $PREFIX == -* ]]; then
    compadd -- \${=${fn}_opts[$p]}
  elif (( \${+${fn}_cmds[$p]} )); then
    local -a cmds
    cmds=("\${(@f)${fn}_cmds[$p]}")
    _describe -t commands '${prog} command' cmds
  else
    _files
  fi
}
compdef ${fn} ${prog}
`;
  }
  // fish: a subcommand is offered once its parent path has been seen and none of its siblings has
  const lines = [`# ${prog} completion for fish: save it as ~/.config/fish/completions/${prog}.fish`];
  const fq = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  for (const [p, n] of all) {
    const seen = p ? p.split(' ').map((w) => `__fish_seen_subcommand_from ${w}`).join('; and ') : '';
    const subs = n.commands.map((c) => c.name).join(' ');
    const offer = p ? `${seen}${subs ? `; and not __fish_seen_subcommand_from ${subs}` : ''}` : '__fish_use_subcommand';
    for (const c of n.commands) lines.push(`complete -c ${prog} -n ${fq(offer)} -a ${fq(c.name)} -d ${fq(oneLine(c.description))}`);
    const cond = p ? `-n ${fq(seen)} ` : '';
    for (const o of n.options) {
      const short = o.flags.find((f) => /^-[^-]$/.test(f));
      const long = o.flags.find((f) => f.startsWith('--'));
      lines.push(`complete -c ${prog} ${cond}${short ? `-s ${short.slice(1)} ` : ''}${long ? `-l ${long.slice(2)} ` : ''}-d ${fq(oneLine(o.description))}`);
    }
  }
  return lines.join('\n') + '\n';
}
