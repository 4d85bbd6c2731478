// Go's text/template in TypeScript, exact to Go's output and errors; Sprig v3's functions in sprig/.
export { ParseCache, TemplateSet } from './template.js';
export type { FuncMap } from './template.js';
export { DeepRecursion, ExecError, MissingKey } from './exec.js';
export { TemplateParseError } from './parse.js';
export * from './value.js';
export { sprint, sprintf, sprintln } from './fmt.js';
export { formatFloat, quote as goQuote, parseInt64, parseFloat64, NumError } from './strconv.js';
export { trimSpace as goTrimSpace } from './unicode.js';
