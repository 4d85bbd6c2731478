// cli: the flotilla command line; composition of the other layers only.
export { buildProgram, run } from './main.js';
