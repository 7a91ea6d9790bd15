// bibtex-tidy through its JS API (same code as its CLI), so start-up is comparable.
// usage: node bibtextidy.js IN.bib OUT.bib [--duplicates]
const fs = require('fs');
const { tidy } = require('bibtex-tidy');

const [input, output, ...flags] = process.argv.slice(2);
const text = fs.readFileSync(input, 'utf8');
const options = flags.includes('--duplicates') ? { duplicates: ['doi', 'citation', 'key', 'abstract'] } : {};
const result = tidy(text, options);
fs.writeFileSync(output, result.bibtex);
if (flags.includes('--duplicates')) {
  process.stderr.write(`${result.warnings.length} warnings\n`);
}
