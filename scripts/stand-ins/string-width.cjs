// Stands in for string-width in the bundle (scripts/build.mjs). yargs measures every line of help
// it renders with it, even on runs that print no help, and string-width builds Unicode property
// regexes as it loads and splits every string into graphemes (Intl.Segmenter): measured, nearly
// as much as all of `node -e 0`. Printable ASCII is as wide as it is long (string-width's own fast
// path); any other text goes to the real module, loaded then.
let real;

module.exports = function stringWidth(string, options) {
  if (typeof string === 'string' && /^[\x20-\x7e]*$/.test(string)) return string.length;
  real ??= require('string-width').default; // the build resolves this one to the real module
  return real(string, options);
};
