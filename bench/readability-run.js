// bench/readability-run.js: Readability.js (with jsdom) over HTML files,
// one after another in this one process, for bench/html-speed.
//   node readability-run.js [-o DIR] FILE...
// With -o, DIR/NAME.txt gets the article's textContent. Prints
// "pages bytes seconds" (seconds of the loop, startup excluded) to stderr.
'use strict';
const fs = require('fs');
const path = require('path');
const { JSDOM, VirtualConsole } = require('jsdom');
const { Readability } = require('@mozilla/readability');

let args = process.argv.slice(2), out = null;
if (args[0] === '-o') { out = args[1]; args = args.slice(2); }
const vc = new VirtualConsole();   // no CSS or script errors on the console
let bytes = 0, pages = 0;
const t0 = process.hrtime.bigint();
for (const f of args) {
	const html = fs.readFileSync(f, 'utf8');
	bytes += Buffer.byteLength(html);
	let text = '';
	try {
		const dom = new JSDOM(html, { url: 'https://example.com/', virtualConsole: vc });
		const art = new Readability(dom.window.document).parse();
		text = art && art.textContent ? art.textContent : '';
		dom.window.close();
	} catch (e) {
		text = '';
	}
	pages++;
	if (out)
		fs.writeFileSync(path.join(out, path.basename(f).replace(/\.html$/, '') + '.txt'), text);
}
const s = Number(process.hrtime.bigint() - t0) / 1e9;
process.stderr.write(`${pages} ${bytes} ${s.toFixed(3)}\n`);
