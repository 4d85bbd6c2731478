// a script with one dynamic import(), as esbuild leaves one of an external package
function load(){return import("openpgp")}
const s = "import(\"not-a-call\")";
module.exports = { load, s };
