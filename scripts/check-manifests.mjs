// Validates Kubernetes manifests offline against the API schemas of the kubernetes-models
// package (installed by scripts/setup.sh into .tools). Usage: node check-manifests.mjs PATH...
// Every YAML document under each PATH (a file, or a directory searched recursively) must be a known apiVersion/kind and valid; a
// kustomization.yaml must name resources and generator files that exist. Exit 1 on any error.
import { readFileSync, readdirSync, statSync, existsSync } from "node:fs";
import { join, dirname, relative } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const tools = new URL("../.tools/node_modules/", import.meta.url).pathname;
const YAML = require(join(tools, "yaml"));

const errors = [];
let checked = 0;

function yamlFiles(dir) {
  if (!statSync(dir).isDirectory()) return [dir];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(name) ? [path] : [];
  });
}

function checkKustomization(path, doc) {
  const base = dirname(path);
  for (const r of doc.resources ?? []) {
    if (!existsSync(join(base, r))) errors.push(`${path}: resource ${r} does not exist`);
  }
  for (const g of [...(doc.configMapGenerator ?? []), ...(doc.secretGenerator ?? [])]) {
    for (const f of g.files ?? []) {
      const file = f.includes("=") ? f.split("=")[1] : f;
      if (!existsSync(join(base, file))) errors.push(`${path}: ${g.name}: file ${file} does not exist`);
    }
  }
}

async function checkManifest(path, doc, index) {
  const where = `${path} (document ${index + 1}${doc?.kind ? `, ${doc.kind} ${doc.metadata?.name ?? "?"}` : ""})`;
  if (!doc || typeof doc !== "object" || !doc.apiVersion || !doc.kind) {
    errors.push(`${where}: not a Kubernetes object (apiVersion and kind are required)`);
    return;
  }
  let models;
  try {
    models = await import(join(tools, "kubernetes-models", doc.apiVersion, "index.js"));
  } catch {
    errors.push(`${where}: unknown apiVersion ${doc.apiVersion}`);
    return;
  }
  const Model = models[doc.kind];
  if (!Model) {
    errors.push(`${where}: unknown kind ${doc.kind} in ${doc.apiVersion}`);
    return;
  }
  try {
    new Model(doc).validate();
    checked++;
  } catch (e) {
    const details = (e.errors ?? [])
      .map((x) => `${x.instancePath || "/"} ${x.message}`)
      .join("; ");
    errors.push(`${where}: ${details || e.message}`);
  }
}

const dirs = process.argv.slice(2);
if (dirs.length === 0) {
  console.error("usage: node check-manifests.mjs PATH...");
  process.exit(2);
}
for (const dir of dirs) {
  if (!existsSync(dir)) {
    errors.push(`${dir}: no such file or directory`);
    continue;
  }
  for (const path of yamlFiles(dir)) {
    const shown = relative(process.cwd(), path);
    let docs;
    try {
      docs = YAML.parseAllDocuments(readFileSync(path, "utf8"));
    } catch (e) {
      errors.push(`${shown}: ${e.message}`);
      continue;
    }
    for (const [i, d] of docs.entries()) {
      if (d.errors.length) {
        errors.push(`${shown}: ${d.errors.map((x) => x.message).join("; ")}`);
        continue;
      }
      const doc = d.toJS();
      if (doc === null) continue;  // an empty document, e.g. after a trailing ---
      if (doc.kind === "Kustomization") checkKustomization(shown, doc);
      else await checkManifest(shown, doc, i);
    }
  }
}
for (const e of errors) console.error(`manifest: ${e}`);
if (errors.length) process.exit(1);
console.log(`manifests: ${checked} objects valid`);
