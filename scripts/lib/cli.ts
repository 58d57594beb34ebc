// Shared plumbing of the command-line scripts: user errors with exit code 2, JSON files read with line/column on a syntax error, colours.
import fs from 'node:fs';
import path from 'node:path';
import { CommanderError } from 'commander';
import pc from 'picocolors';

/** The repository root, where rules/ lives. */
export const ROOT = path.resolve(import.meta.dirname, '../..');

/** A problem with what the user gave (file, rule set, dossier): reported on stderr, exit code 2. */
export class UserError extends Error {
  constructor(
    message: string,
    readonly details: string[] = [],
  ) {
    super(message);
  }
}

/** Colours for stdout; picocolors turns them off for NO_COLOR and when stdout is not a terminal, so piping stays clean. */
export const out = pc;
const err = pc.createColors(pc.isColorSupported && !!process.stderr.isTTY);

/** The folder the user ran the command from: npm runs scripts in the package root but records the caller's folder in INIT_CWD. */
export function userCwd(): string {
  const viaNpmScript = ['score', 'cohort', 'coverage:clauses'].includes(process.env.npm_lifecycle_event ?? '');
  return viaNpmScript && process.env.INIT_CWD ? process.env.INIT_CWD : process.cwd();
}

/** A path the user typed, resolved against the folder they ran the command from. */
export function userPath(p: string): string {
  return path.resolve(userCwd(), p);
}

/** Shortens a path for messages: relative to the user's folder when inside it. */
export function shown(file: string): string {
  const rel = path.relative(userCwd(), file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : file;
}

/** Line and column (1-based) of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

/** Where V8's JSON.parse message says the error is, as an offset; end of input when it ran out. */
function syntaxErrorOffset(message: string, text: string): number | null {
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) {
    const lines = text.split('\n');
    return lines.slice(0, Number(lc[1]) - 1).reduce((n, l) => n + l.length + 1, 0) + Number(lc[2]) - 1;
  }
  const pos = /at position (\d+)/.exec(message);
  if (pos) return Number(pos[1]);
  if (/end of (JSON )?input/i.test(message)) return text.length;
  return null;
}

/** Reads and parses a JSON file; a missing file or a syntax error is a UserError naming the file, line and column. */
export function readJsonFile(file: string, what: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${shown(file)}: ${what} not found`);
    if (code === 'EISDIR') throw new UserError(`${shown(file)}: is a folder, expected a ${what} JSON file`);
    throw new UserError(`${shown(file)}: cannot read ${what} (${code ?? (e as Error).message})`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const at = syntaxErrorOffset(msg, text);
    const where = at === null ? '' : (({ line, column }) => `:${line}:${column}`)(lineColumn(text, at));
    const excerpt = at === null ? [] : excerptAt(text, at);
    throw new UserError(`${shown(file)}${where}: malformed JSON in ${what}: ${msg.replace(/\s*\(line \d+ column \d+\)/, '').replace(/ in JSON at position \d+$/, '')}`, excerpt);
  }
}

/** The offending line with a caret under the column. */
function excerptAt(text: string, offset: number): string[] {
  const { line, column } = lineColumn(text, offset);
  const src = text.split('\n')[line - 1] ?? '';
  if (src.length > 160) return [];
  return [`${String(line).padStart(4)} | ${src.replace(/\t/g, ' ')}`, `     | ${' '.repeat(column - 1)}^`];
}

/** One issue line: its JSON path, message and code. */
export function issueLine(i: { code: string; path: (string | number)[]; message: string }): string {
  const where = i.path.join('.') || '(root)';
  // Engine messages usually start with the path already; do not print it twice.
  const msg = i.message.startsWith(`${where}: `) ? i.message.slice(where.length + 2) : i.message;
  return `${where}: ${msg} [${i.code}]`;
}

/** Runs a script's main function: user errors → stderr and exit 2, usage errors → exit 2, anything else is a bug → exit 1. */
export async function run(main: () => Promise<number | void>): Promise<void> {
  try {
    const code = await main();
    process.exitCode = code ?? 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Commander has already printed its message; help and --version are not errors.
      process.exitCode = e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0 ? 0 : 2;
      return;
    }
    if (e instanceof UserError) {
      process.stderr.write(`${err.red('error')}: ${e.message}\n`);
      for (const d of e.details) process.stderr.write(`  ${d}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`${err.red('internal error')} (a bug, please report it): ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 1;
  }
}

/** Writes a block of text to stdout with a final newline. */
export function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

// A pipe closed early (| head) is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
