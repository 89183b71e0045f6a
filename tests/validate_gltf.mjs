// Validate a glTF or GLB file with the Khronos glTF-Validator and print the
// JSON report on stdout.
//
// Usage: node validate_gltf.mjs VALIDATOR_PACKAGE_DIR [FILE]
// VALIDATOR_PACKAGE_DIR is the folder of the gltf-validator npm package. Without
// FILE, or with FILE "-", the asset's bytes are read from stdin.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [packageDir, file] = process.argv.slice(2);
if (!packageDir) {
  console.error("usage: node validate_gltf.mjs VALIDATOR_PACKAGE_DIR [FILE]");
  process.exit(2);
}

const metadata = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));
const entry = join(packageDir, metadata.module ?? metadata.main);
const validator = await import(pathToFileURL(entry).href);

const fromStdin = file === undefined || file === "-";
const bytes = readFileSync(fromStdin ? 0 : file);
let report;
try {
  report = await validator.validateBytes(new Uint8Array(bytes), {
    uri: fromStdin ? "stdin.glb" : file,
    maxIssues: 0,
    writeTimestamp: false,
  });
} catch (error) {
  // The validator rejects with a plain string when it cannot read the asset at all.
  console.error(`validation failed: ${error}`);
  process.exit(1);
}
process.stdout.write(JSON.stringify(report, null, 2) + "\n");
