// Builds a verb's sub-commands from the kinds table: `VERB source git`, `VERB kustomization`
// (alias `ks`), … with the `source` group created once per verb.
import type { Command } from 'commander';
import type { FluxKind } from './flux-kinds.js';

/**
 * The command naming `kind` under `parent` (`parent source git <args>`): intermediate words
 * become groups described by `groupDescription`, the last word takes `args` and the aliases.
 */
export function kindCommand(
  parent: Command,
  words: readonly string[],
  aliases: readonly string[],
  args: string,
  groupDescription: (word: string) => string,
): Command {
  let cmd = parent;
  for (const word of words.slice(0, -1)) {
    cmd =
      cmd.commands.find((c) => c.name() === word) ??
      cmd.command(word).description(groupDescription(word));
  }
  const last = words[words.length - 1] ?? '';
  const leaf = cmd.command(args ? `${last} ${args}` : last);
  for (const alias of aliases) leaf.alias(alias);
  return leaf;
}

/** The leaf command of `kind` under `parent`, as `flux VERB …` names it. */
export function verbKindCommand(
  parent: Command,
  kind: FluxKind,
  args: string,
  groupDescription: (word: string) => string,
): Command {
  return kindCommand(parent, kind.words, kind.aliases, args, groupDescription);
}
