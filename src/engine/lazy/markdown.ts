/**
 * The Markdown parsers a report check uses (claims/reportText.ts), bundled apart
 * (dist/lazy/markdown.js) and loaded at the first check: no analysis needs them (DECISIONS.md 79).
 */
export { default as MarkdownIt } from 'markdown-it';
export { fromMarkdown } from 'mdast-util-from-markdown';
export { gfmTableFromMarkdown } from 'mdast-util-gfm-table';
export { gfmTable } from 'micromark-extension-gfm-table';
