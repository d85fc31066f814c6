// Entity colours as CSS custom properties: `.t-<id>` gets --c (the colour), --tint (a light background for
// the labeled text) and --ink (readable text on --c).

const COLOR = /^#[0-9a-fA-F]{6}$/;
const FALLBACK = "#8a94a6";

function channels(hex) {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
}

function ink(hex) {
  const lin = (c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  const [r, g, b] = channels(hex).map((c) => lin(c / 255));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.45 ? "#1d2430" : "#ffffff";
}

function tint(hex, amount) {
  return `rgb(${channels(hex)
    .map((c) => Math.round(255 - (255 - c) * amount))
    .join(",")})`;
}

/**
 * Adds one stylesheet with a rule per entity type; colours that are not #rrggbb fall back to grey.
 * A constructed sheet, not a <style> element: the Content-Security-Policy allows no inline style elements.
 */
export function installTypeStyles(types) {
  const rules = [];
  for (const type of types) {
    const color = COLOR.test(type.color) ? type.color : FALLBACK;
    rules.push(`.t-${type.id}{--c:${color};--tint:${tint(color, 0.22)};--ink:${ink(color)}}`);
  }
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(rules.join("\n"));
  document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
}
