// BibTeX -> CSL-JSON with citation-js (@citation-js/core + plugin-bibtex + plugin-csl).
// usage: node citationjs_csl.js IN.bib OUT.json   (NODE_PATH points at benchmarks/.peers/node/node_modules)
const fs = require('fs');
const { Cite } = require('@citation-js/core');
require('@citation-js/plugin-bibtex');
require('@citation-js/plugin-csl');

const [input, output] = process.argv.slice(2);
const text = fs.readFileSync(input, 'utf8');
const cite = new Cite(text, { forceType: '@bibtex/text' });
fs.writeFileSync(output, cite.format('data', { format: 'text' }));
