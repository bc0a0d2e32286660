/** The VS Code theme as chart colours: read from the CSS variables, re-read when the theme changes. */

export interface Palette {
  kind: 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';
  foreground: string;
  muted: string;
  background: string;
  grid: string;
  focus: string;
  red: string;
  green: string;
  blue: string;
  yellow: string;
  orange: string;
  purple: string;
  font: string;
  hoverBackground: string;
  hoverForeground: string;
  hoverBorder: string;
}

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  const v = style.getPropertyValue(name).trim();
  return v === '' ? fallback : v;
}

function themeKind(body: HTMLElement): Palette['kind'] {
  const c = body.classList;
  if (c.contains('vscode-high-contrast-light')) return 'high-contrast-light';
  if (c.contains('vscode-high-contrast')) return 'high-contrast';
  return c.contains('vscode-light') ? 'light' : 'dark';
}

export function readPalette(): Palette {
  const style = getComputedStyle(document.body);
  const foreground = cssVar(style, '--vscode-foreground', 'CanvasText');
  return {
    kind: themeKind(document.body),
    foreground,
    muted: cssVar(style, '--vscode-descriptionForeground', foreground),
    background: cssVar(style, '--vscode-editor-background', 'Canvas'),
    // Grid lines: the editor's own faint lines, else the widget border.
    grid: cssVar(
      style,
      '--vscode-editorIndentGuide-background1',
      cssVar(style, '--vscode-widget-border', 'GrayText'),
    ),
    focus: cssVar(style, '--vscode-focusBorder', foreground),
    red: cssVar(style, '--vscode-charts-red', foreground),
    green: cssVar(style, '--vscode-charts-green', foreground),
    blue: cssVar(style, '--vscode-charts-blue', foreground),
    yellow: cssVar(style, '--vscode-charts-yellow', foreground),
    orange: cssVar(style, '--vscode-charts-orange', foreground),
    purple: cssVar(style, '--vscode-charts-purple', foreground),
    font: cssVar(style, '--vscode-font-family', 'sans-serif'),
    hoverBackground: cssVar(
      style,
      '--vscode-editorHoverWidget-background',
      cssVar(style, '--vscode-editor-background', 'Canvas'),
    ),
    hoverForeground: cssVar(style, '--vscode-editorHoverWidget-foreground', foreground),
    hoverBorder: cssVar(style, '--vscode-editorHoverWidget-border', foreground),
  };
}

/**
 * Calls `onChange` with the new palette whenever VS Code switches the theme: the body's class
 * (vscode-light, vscode-dark, vscode-high-contrast) or the colour variables on <html>.
 */
export function watchTheme(onChange: (p: Palette) => void): () => void {
  let last = JSON.stringify(readPalette());
  const observer = new MutationObserver(() => {
    const palette = readPalette();
    const now = JSON.stringify(palette);
    if (now === last) return;
    last = now;
    onChange(palette);
  });
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
  return () => observer.disconnect();
}

/** A colour with transparency, for bands and error bars (any CSS colour the canvas accepts). */
export function withAlpha(color: string, alpha: number): string {
  const hex = /^#([0-9a-f]{3,8})$/i.exec(color)?.[1];
  if (hex && (hex.length === 6 || hex.length === 8)) {
    const n = parseInt(hex.slice(0, 6), 16);
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
  }
  if (hex && (hex.length === 3 || hex.length === 4)) {
    const [r, g, b] = hex.split('').map((d) => parseInt(d + d, 16));
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  return color;
}
